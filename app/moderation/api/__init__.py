"""The moderation JSON API: reports and appeals for users, the queue for moderators."""
