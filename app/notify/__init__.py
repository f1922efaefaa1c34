"""Notifications outside the system (e-mail, SMS, 政务微信).

- settings: each user's addresses and chosen channels;
- fanout: a new inbox Notification of a kind worth an outside message (督办提醒,
  改派, 逾期) becomes one OutboundMessage per recipient and chosen channel, in the
  same transaction;
- digest: once a day, each user who wants it gets one list of their due-soon and
  overdue tasks;
- channels: the senders (SMTP e-mail; an HTTP gateway interface for SMS and 政务微信);
- sending: the scheduler's job that sends what is due, with retries and backoff.
"""
