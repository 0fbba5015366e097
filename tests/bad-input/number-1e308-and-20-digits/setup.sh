printf '2026-Q3,Billing,K huge,1e308,5,,,,,\n2026-Q3,Billing,K id,12345678901234567890,5,,,,,\n2026-Q3,Billing,K max,999999999999999,5,,,,,\n' >>kpis.csv
