"""What every page shares: language choice, error pages, health checks, browser warning."""
