"""Business-day arithmetic for service deadlines (review within N business days, refund within N business days).

The calendar is a ``holidays`` calendar: it knows its country's weekend (Friday and Saturday in Kuwait) and its
public holidays. Which country's calendar applies is the flows' business (``flows.calendars``).
"""

from datetime import date, datetime

import holidays


def business_days_after(day: date, business_days: int, calendar: holidays.HolidayBase) -> date:
    """The ``business_days``-th working day after ``day``: weekends and public holidays do not count."""
    return calendar.get_nth_working_day(day, business_days)


def same_time_business_days_after(moment: datetime, business_days: int, calendar: holidays.HolidayBase) -> datetime:
    """The same (local) time of day on the ``business_days``-th working day after ``moment``."""
    return datetime.combine(business_days_after(moment.date(), business_days, calendar), moment.timetz())
