ALTER FUNCTION user_modified_moved() RESET enable_seqscan;
