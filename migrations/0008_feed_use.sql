-- When each private calendar link was last read: a link nobody has read for a long time
-- stops working and is erased (see FEED_IDLE in the code).
ALTER TABLE feed_tokens ADD COLUMN last_used_at BIGINT;
