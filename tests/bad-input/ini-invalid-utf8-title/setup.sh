sed -i 's/^title = Test pack/title = Caf\xe9 pack/' pack.ini
