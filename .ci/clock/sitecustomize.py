"""Imported at start-up by every Python process of .ci/across-midnight (it puts this
folder on PYTHONPATH): the test process, its xdist workers and the gunicorn, flask and
scheduler processes the tests start.  Each moves its clock TEST_CLOCK_SHIFT_SECONDS away
from the real time, and the clock goes on from there, so that all of them agree on the
moved time.  time-machine moves the wall clock only: monotonic waits and sleeps stay
real (libfaketime moved those too, and APScheduler's waits never woke)."""

import os

_shift = os.environ.get("TEST_CLOCK_SHIFT_SECONDS")
if _shift:
    import datetime as _dt

    import time_machine

    _moved = _dt.datetime.now(_dt.timezone.utc) + _dt.timedelta(seconds=int(_shift))
    time_machine.travel(_moved, tick=True).start()
