// Writes the app's PNG icons (home screen, install prompt, maskable) without an image library:
// the shapes are simple enough to rasterise here, supersampled for smooth edges.
// Run: node client/scripts/make-icons.mjs  (the PNGs are committed in client/public/icons)
import { writeFileSync } from 'node:fs'
import { deflateSync } from 'node:zlib'

const BRAND = [15, 118, 110] // #0f766e
const WHITE = [255, 255, 255]

/** Coverage (0..1) of the icon's white figure at a point in unit coordinates. */
const figure = (x, y, scale) => {
  const cx = 0.5, s = scale
  const head = Math.hypot(x - cx, y - (0.5 - 0.12 * s)) <= 0.13 * s
  // Shoulders: the upper half of an ellipse below the head.
  const dx = (x - cx) / (0.25 * s), dy = (y - (0.5 + 0.27 * s)) / (0.2 * s)
  const body = dx * dx + dy * dy <= 1 && y <= 0.5 + 0.27 * s
  return head || body
}

const inRoundedSquare = (x, y, r) => {
  const qx = Math.max(Math.abs(x - 0.5) - (0.5 - r), 0)
  const qy = Math.max(Math.abs(y - 0.5) - (0.5 - r), 0)
  return Math.hypot(qx, qy) <= r
}

const render = (size, { maskable }) => {
  const ss = 4
  const rgba = Buffer.alloc(size * size * 4)
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let bg = 0, fg = 0
      for (let sy = 0; sy < ss; sy++) {
        for (let sx = 0; sx < ss; sx++) {
          const x = (px + (sx + 0.5) / ss) / size
          const y = (py + (sy + 0.5) / ss) / size
          const inside = maskable || inRoundedSquare(x, y, 0.2)
          if (!inside) continue
          bg++
          // Maskable icons keep their figure in the central safe zone (80 %).
          if (figure(x, y, maskable ? 0.8 : 1)) fg++
        }
      }
      const n = ss * ss
      const alpha = bg / n
      const mix = bg === 0 ? 0 : fg / bg
      const i = (py * size + px) * 4
      for (let c = 0; c < 3; c++) rgba[i + c] = Math.round(BRAND[c] * (1 - mix) + WHITE[c] * mix)
      rgba[i + 3] = Math.round(alpha * 255)
    }
  }
  return png(size, rgba)
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})
const crc32 = (buf) => {
  let c = 0xffffffff
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}
const chunk = (type, data) => {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([len, body, crc])
}
const png = (size, rgba) => {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(size, 0)
  header.writeUInt32BE(size, 4)
  header[8] = 8 // bit depth
  header[9] = 6 // RGBA
  const rows = Buffer.alloc(size * (size * 4 + 1))
  for (let y = 0; y < size; y++) rgba.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4)
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

const out = new URL('../public/icons/', import.meta.url)
for (const size of [192, 512]) writeFileSync(new URL(`icon-${size}.png`, out), render(size, { maskable: false }))
writeFileSync(new URL('icon-maskable-512.png', out), render(512, { maskable: true }))
writeFileSync(new URL('apple-touch-icon.png', out), render(180, { maskable: true }))
console.log('icons written to', out.pathname)
