mkdir sub && sed -i 's/^kpis *=.*/kpis = sub/' pack.ini
