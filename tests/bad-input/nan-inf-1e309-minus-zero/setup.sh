printf '2026-Q3,Billing,K nan,NaN,5,,,,,\n2026-Q3,Billing,K inf,inf,5,,,,,\n2026-Q3,Billing,K big,1e309,5,,,,,\n2026-Q3,Billing,K negzero,-0,5,,,,,\n' >>kpis.csv
