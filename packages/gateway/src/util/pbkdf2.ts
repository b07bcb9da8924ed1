/**
 * PBKDF2-HMAC-SHA256 in plain JavaScript, for the one case WebCrypto refuses: workerd caps
 * `deriveBits` at 100,000 iterations, so a hash made on Node or Bun (600,000) would never verify
 * on a Worker. HMAC's inner and outer key blocks are hashed once, so each iteration costs two
 * SHA-256 compressions on pre-padded blocks (figures in crypto.test.ts).
 */

const K = Int32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);
const IV = Int32Array.from([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

/** One SHA-256 compression of the 16 words in `w[0..15]` into `h` (`w` is 64 words, scratch). */
function compress(h: Int32Array, w: Int32Array): void {
  for (let i = 16; i < 64; i++) {
    const x = w[i - 15] as number;
    const y = w[i - 2] as number;
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[i] = ((w[i - 16] as number) + s0 + (w[i - 7] as number) + s1) | 0;
  }
  let a = h[0] as number;
  let b = h[1] as number;
  let c = h[2] as number;
  let d = h[3] as number;
  let e = h[4] as number;
  let f = h[5] as number;
  let g = h[6] as number;
  let hh = h[7] as number;
  for (let i = 0; i < 64; i++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (hh + s1 + ((e & f) ^ (~e & g)) + (K[i] as number) + (w[i] as number)) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    hh = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  h[0] = ((h[0] as number) + a) | 0;
  h[1] = ((h[1] as number) + b) | 0;
  h[2] = ((h[2] as number) + c) | 0;
  h[3] = ((h[3] as number) + d) | 0;
  h[4] = ((h[4] as number) + e) | 0;
  h[5] = ((h[5] as number) + f) | 0;
  h[6] = ((h[6] as number) + g) | 0;
  h[7] = ((h[7] as number) + hh) | 0;
}

/** SHA-256 of `data`, continuing from `state` after `before` bytes (a multiple of 64) were hashed. */
function sha256From(state: Int32Array, before: number, data: Uint8Array): Int32Array {
  const h = state.slice();
  const w = new Int32Array(64);
  const total = before + data.length;
  const padded = new Uint8Array(Math.ceil((data.length + 9) / 64) * 64);
  padded.set(data);
  padded[data.length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, Math.floor((total * 8) / 2 ** 32));
  view.setUint32(padded.length - 4, (total * 8) >>> 0);
  for (let block = 0; block < padded.length; block += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getInt32(block + i * 4);
    compress(h, w);
  }
  return h;
}

/** PBKDF2-HMAC-SHA256 (RFC 8018) of `length` bytes. */
export function pbkdf2Sha256(password: Uint8Array, salt: Uint8Array, iterations: number, length = 32): Uint8Array {
  // HMAC keys longer than a block are hashed first.
  const key = password.length > 64 ? int32Bytes(sha256From(IV, 0, password)) : password;
  const pad = (byte: number) => {
    const block = new Uint8Array(64).fill(byte);
    for (let i = 0; i < key.length; i++) block[i] = (key[i] as number) ^ byte;
    return keyState(block);
  };
  const inner = pad(0x36);
  const outer = pad(0x5c);

  const out = new Uint8Array(length);
  const w = new Int32Array(64);
  const h = new Int32Array(8);
  const u = new Int32Array(8);
  const t = new Int32Array(8);
  for (let block = 1; (block - 1) * 32 < length; block++) {
    const message = new Uint8Array(salt.length + 4);
    message.set(salt);
    new DataView(message.buffer).setUint32(salt.length, block);
    const innerDigest = sha256From(inner, 64, message);
    u.set(sha256From(outer, 64, int32Bytes(innerDigest)));
    t.set(u);
    for (let i = 1; i < iterations; i++) {
      // HMAC of a 32-byte message: one pre-padded block each for the inner and the outer hash.
      h.set(inner);
      w.set(u);
      w[8] = 0x80000000 | 0;
      w.fill(0, 9, 15);
      w[15] = (64 + 32) * 8;
      compress(h, w);
      w.set(h);
      w[8] = 0x80000000 | 0;
      w.fill(0, 9, 15);
      w[15] = (64 + 32) * 8;
      h.set(outer);
      compress(h, w);
      u.set(h);
      for (let j = 0; j < 8; j++) t[j] = (t[j] as number) ^ (u[j] as number);
    }
    const bytes = int32Bytes(t);
    out.set(bytes.subarray(0, Math.min(32, length - (block - 1) * 32)), (block - 1) * 32);
  }
  return out;
}

/** The state after hashing one 64-byte block. */
function keyState(block: Uint8Array): Int32Array {
  const h = IV.slice();
  const w = new Int32Array(64);
  const view = new DataView(block.buffer, block.byteOffset, 64);
  for (let i = 0; i < 16; i++) w[i] = view.getInt32(i * 4);
  compress(h, w);
  return h;
}

function int32Bytes(words: Int32Array): Uint8Array {
  const bytes = new Uint8Array(words.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < words.length; i++) view.setInt32(i * 4, words[i] as number);
  return bytes;
}
