/** RFC 5246 §7.4.1.2: `Random` is 32 bytes (gmt_unix_time is no longer meaningful). */
export const RANDOM_LENGTH = 32;
/** RFC 5246 §7.4.1.2: `SessionID session_id<0..32>`. */
export const MAX_SESSION_ID_LENGTH = 32;
