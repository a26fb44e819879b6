-- Which manager delivers each alert channel's outbox: several managers share one database, and a message must
-- go out once. The holder renews its lease while it lives; another manager takes the channel over once the
-- lease has expired.
CREATE TABLE alert_channel_lease (
    channel    VARCHAR(64) NOT NULL PRIMARY KEY,
    holder     VARCHAR(64) NOT NULL,
    expires_at BIGINT      NOT NULL
);
