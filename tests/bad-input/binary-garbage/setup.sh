# 3,000 bytes of noise (the same every run, no quote character) instead of a CSV file
"$PYTHON" -c '
import sys
x, out = 12345, bytearray([0xC0])
for _ in range(3000):
    x = (1103515245 * x + 12345) % 2**31
    b = x >> 23
    out.append(0x21 if b == 0x22 else b)
sys.stdout.buffer.write(bytes(out))' >journeys.csv
