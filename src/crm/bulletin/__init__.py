"""Announcements 通知公告 and the know-how board 销售经验 (issue 18 §5, SADM-5; docs/sales-admin.md).

- Announcements go to everyone or to departments (and their sub-departments); each reader leaves a
  read receipt, and every page shows a banner of the announcements one has not read yet.
- The know-how board: salespeople post selling tips and questions, answer them, tag and like them,
  and search them in Chinese (characters and pinyin).
"""
