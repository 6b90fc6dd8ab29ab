-- coexist schema, SQLite: a history import that began before coexist recorded when its last
-- chunk arrived (`last_chunk_at` in numbers.history, read to show a stalled import) takes that
-- time from the chunks it received, so a stalled import shows as stalled at once rather than
-- only after one more chunk. Times in history_chunks are UTC milliseconds; the JSON holds
-- RFC 3339, as coexist writes it. Never edit a released migration; add the next one.
UPDATE numbers
SET history = json_set(
        history,
        '$.last_chunk_at',
        strftime(
            '%Y-%m-%dT%H:%M:%fZ',
            (SELECT max(c.received_at) FROM history_chunks c WHERE c.number_id = numbers.id) / 1000.0,
            'unixepoch'
        )
    )
WHERE json_extract(history, '$.last_chunk_at') IS NULL
  AND EXISTS (SELECT 1 FROM history_chunks c WHERE c.number_id = numbers.id);
