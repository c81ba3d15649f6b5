"""统计报表: the four reports of s003/5 §3.4 (RPT-1…4).

- 客户贡献分析 customer contribution: each customer's total of shipped and paid orders;
- 客户构成分析 customer composition: customers by level, credit or satisfaction, with shares;
- 客户服务分析 service composition: services by type;
- 客户流失分析 churn analysis: the confirmed churn records.

Every figure is computed in the database (grouped, summed, counted, paged) over the viewer's data
scope, through the permission engine: each report is a resource whose parent is the records it
reads (`permissions.py`), so `access_for(user).scoped(report, queryset)` asks for the report's
function and narrows to the scope of the customers, services or warnings behind it. The app sits
in the top layer; it reads the domain apps and nothing imports it (docs/reports.md).
"""
