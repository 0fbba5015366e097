"$PYTHON" -c "print('L' * 10240 + ',Paying a bill,2026-07-10T09:00:00Z,Billing,C1,x,web,,achieved,')" >>journeys.csv
