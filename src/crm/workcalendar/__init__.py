"""The working calendar (工作日历): public holidays, make-up working days and the working hours.

Other apps count deadlines in working hours through `crm.workcalendar.hours` (SRV-6 service
deadlines, later reminders):

    from crm.workcalendar.hours import add_working_hours, working_hours_between, is_working_day

    due = add_working_hours(service.accepted_at, 8)        # one working day later
    left = working_hours_between(timezone.now(), due)     # negative once overdue

Each call reads the calendar's exceptions for the range it covers in one query; the working hours
are kept in memory (crm.core.memo). docs/workcalendar.md says how the days are counted.
"""
