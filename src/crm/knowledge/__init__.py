"""The knowledge base 知识库 (SRV-7): articles of a problem and its solution, searched in
Chinese and English (docs/knowledge.md).

How another app uses it (the service app, arriving on its own branch):

- `crm.knowledge.selectors.suggest(text, limit=5, user=None)`: the published articles that best
  match a free text, such as a service's summary and request;
- `crm.knowledge.services.article_from_solution(actor, title, problem, solution,
  source_service_id)`: a draft made from a well-solved service in one step; publishing stays a
  supervisor's decision.

Articles hold `source_service_id` as a plain integer until the service app is merged.
"""
