# a PNG whose header says 30000 x 30000 pixels (2.7 GB decoded), with a few bytes of image data
"$PYTHON" - <<'PY'
import struct, zlib
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 30000, 30000, 8, 2, 0, 0, 0))
png += chunk(b"IDAT", zlib.compress(b"\0" * 1000)) + chunk(b"IEND", b"")
open("logo.png", "wb").write(png)
PY
sed -i "s|^\[pack\]|[pack]\nlogo = logo.png|" pack.ini
