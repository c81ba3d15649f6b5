import pytest


@pytest.fixture
def calendar_2026(db):
    """The 2026 schedule (the data migration's rows; a transactional test before may have flushed them)."""
    from crm.workcalendar.models import CalendarDay
    from crm.workcalendar.seeding import seed_days

    seed_days(CalendarDay, years=[2026])
