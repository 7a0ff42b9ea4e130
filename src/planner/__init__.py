"""planner: plan file in, optimal schedule out."""

__version__ = "0.1.0"
