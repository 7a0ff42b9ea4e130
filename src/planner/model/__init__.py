"""The user-facing model: plan and progress files as frozen pydantic models."""

from planner.model.loader import Loaded, load_plan, plan_from_data, read_plan
from planner.model.plan import Plan, Task, plan_json_schema

__all__ = ["Loaded", "Plan", "Task", "load_plan", "plan_from_data", "plan_json_schema", "read_plan"]
