"""`{% memo key ... %}...{% endmemo %}`: the chrome every page repeats (head, header, the
portal bar), rendered once per process for each distinct key and then reused.

Django renders a template node by node, and on a small machine the page frame alone cost
more than the session and the organisation lookup together (bench/: signed-in page beside
/healthz). What a memo block shows must depend on nothing but its keys — the language, the
organisation's branding key, the path — and never hold anything per person or per request
(a CSRF token, a name, a nonce): those stay outside the block.

Each block keeps at most `LIMIT` renderings; a full block starts again empty, so a visitor
who varies the query string costs at worst a render, never memory."""

from django import template
from django.utils.safestring import mark_safe

register = template.Library()
LIMIT = 512


class MemoNode(template.Node):
    def __init__(self, nodelist, keys):
        self.nodelist, self.keys = nodelist, keys
        self.rendered: dict[tuple, str] = {}  # per node, so per template and place in it

    def render(self, context):
        key = tuple(k.resolve(context) for k in self.keys)
        found = self.rendered.get(key)
        if found is None:
            found = mark_safe(self.nodelist.render(context))
            if len(self.rendered) >= LIMIT:
                self.rendered.clear()
            self.rendered[key] = found
        return found


@register.tag
def memo(parser, token):
    keys = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    nodelist = parser.parse(("endmemo",))
    parser.delete_first_token()
    return MemoNode(nodelist, keys)
