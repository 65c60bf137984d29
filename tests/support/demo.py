"""The whole demo loaded, as make run loads it."""

from attendance.demo import load_attendance_demo
from events.demo import load_demo_meetings
from members.demo import load_demo
from outputs import demo


def load_all() -> demo.OutputsDemoReport:
    # The Celery tasks of the follow-up's invitations wait for a commit that never comes.
    load_demo()
    load_demo_meetings()
    load_attendance_demo()
    return demo.load_outputs_demo()
