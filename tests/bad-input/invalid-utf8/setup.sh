sed -i '3s/Account set up/Account \xff\xfe set up/' journeys.csv
