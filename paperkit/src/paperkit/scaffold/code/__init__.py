"""The paper's own code: what its figure and table draw (named in registry.yaml)."""
