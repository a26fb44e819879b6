-- Who asked for a resize made directly through the instance API (rule 'api'): the name of the caller's token (or
-- certificate CN), and the client's address, e.g. 'admin from 127.0.0.1'. NULL for the rules' own actions, whose
-- rule column names who decided them. The archive keeps it too.
ALTER TABLE action_log ADD COLUMN requested_by VARCHAR(300);
ALTER TABLE action_log_archive ADD COLUMN requested_by VARCHAR(300);
