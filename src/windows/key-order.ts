// Orders record keys the way Kafka Streams' RocksDB stores do (by UTF-8 bytes), so final window
// results come out in the same order as Kafka Streams' emit-on-window-close.

/**
 * Compares two strings by their UTF-8 encoding without encoding them. UTF-16 code-unit order
 * equals code-point (and UTF-8 byte) order except that surrogates (U+D800–DFFF, used for
 * characters above U+FFFF) sort below U+E000–FFFF; this shifts them above.
 */
export function compareUtf8(a: string, b: string): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    let ca = a.charCodeAt(i);
    let cb = b.charCodeAt(i);
    if (ca === cb) continue;
    if (ca >= 0xd800 && cb >= 0xd800) {
      ca = ca >= 0xe000 ? ca - 0x800 : ca + 0x2000;
      cb = cb >= 0xe000 ? cb - 0x800 : cb + 0x2000;
    }
    return ca - cb;
  }
  return a.length - b.length;
}
