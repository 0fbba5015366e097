"$PYTHON" -c "
for i in range(10000): print('[journey \"J%d\"]\ngoal = I want thing %d\npromise_days = 5\n' % (i, i))" >>pack.ini
