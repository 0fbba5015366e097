# a JPEG whose frame header says 30000 x 30000 pixels
"$PYTHON" - <<'PY'
import struct
app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"
sof = b"\xff\xc0" + struct.pack(">HBHHB", 17, 8, 30000, 30000, 3) + b"\x01\x11\x00\x02\x11\x01\x03\x11\x01"
open("logo.jpg", "wb").write(b"\xff\xd8" + app0 + sof + b"\xff\xd9")
PY
sed -i "s|^\[pack\]|[pack]\nlogo = logo.jpg|" pack.ini
