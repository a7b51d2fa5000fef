"""The groups of service items (办事服务 → 个人/企业行政审批事项 → 建造师 ...), in catalogue order.

``category`` is ``"personal"`` (个人行政审批事项) or ``"enterprise"`` (企业行政审批事项).
An officer's data scope names groups.
"""

GROUPS = [
    {"key": "constructor", "category": "personal", "name": "建造师"},
    {"key": "architect", "category": "personal", "name": "注册建筑师"},
    {"key": "survey_design_engineer", "category": "personal", "name": "勘察设计注册工程师"},
    {"key": "supervision_engineer", "category": "personal", "name": "监理工程师"},
    {"key": "cost_engineer", "category": "personal", "name": "造价工程师"},
    {"key": "construction_enterprise", "category": "enterprise", "name": "建筑业企业"},
    {"key": "real_estate", "category": "enterprise", "name": "房地产开发企业"},
]
