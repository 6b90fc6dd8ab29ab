-- Snoozes whose time has passed, for the hub's snooze worker (`InboxStore::wake_snoozed_chats`):
-- a small partial index, earliest end first, so each pass reads only the snoozes due.
CREATE INDEX chats_snoozed ON chats(snoozed_until, id) WHERE status = 'snoozed';
