# a 100 MB field is refused with the limit, in bounded memory (max_rss_kb), and the next row is read
{ printf 'B1,Moving home,2026-07-10T09:00:00Z,Sales,C1,"'; head -c 100000000 /dev/zero | tr '\0' x; printf '",web,,achieved,\n'
  printf 'B2,Moving home,2026-07-10T09:00:00Z,Sales,C1,x,web,,achieved,\n'; } >>journeys.csv
