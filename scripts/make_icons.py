"""Draw the app's icons (a white flag on the portal's red) as PNG files, with the standard library only."""
import struct, sys, zlib
from pathlib import Path

RED, WHITE = (183, 28, 28), (255, 255, 255)

def png(size, safe):
    # flag: pole + cloth, inside the central `safe` fraction of the square (maskable icons need 80 %)
    m = size * (1 - safe) / 2
    inner = size - 2 * m
    pole = (m + inner * 0.28, m + inner * 0.18, m + inner * 0.34, m + inner * 0.84)
    cloth = (m + inner * 0.34, m + inner * 0.18, m + inner * 0.76, m + inner * 0.50)
    rows = []
    for y in range(size):
        row = bytearray([0])
        for x in range(size):
            inside = any(a <= x < c and b <= y < d for a, b, c, d in (pole, cloth))
            # the cloth's notch makes it read as a flag
            if cloth[0] + (cloth[2] - cloth[0]) * 0.78 <= x < cloth[2] and abs(y - (cloth[1] + cloth[3]) / 2) < (x - cloth[0] - (cloth[2] - cloth[0]) * 0.78) * 0.9:
                inside = False
            row += bytes(WHITE if inside else RED)
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows), 9)
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
(out / "icon-192.png").write_bytes(png(192, 0.9))
(out / "icon-512.png").write_bytes(png(512, 0.9))
(out / "icon-maskable-512.png").write_bytes(png(512, 0.7))
