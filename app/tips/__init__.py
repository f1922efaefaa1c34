"""Public tips (举报): submission without login, a tip case run by workflows/tip.bpmn,
and what the tipster sees by tracking code."""
