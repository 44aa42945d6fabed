"""Review projects: `reviewflow init` scaffolds one, `reviewflow verify` proves its committed results rebuild."""
