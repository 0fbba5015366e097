"$PYTHON" -c "import sys; open(\"t.md\",\"w\").write(\"# Pack\n\" + (\"x\" * 99 + \"\n\") * 50000)" && sed -i "s|^template *=.*||; s|^\[pack\]|[pack]\ntemplate = t.md|" pack.ini
