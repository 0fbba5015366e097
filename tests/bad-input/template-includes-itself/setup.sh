cp "$ROOT"/templates/*.md . && printf '{{> board-pack}}\n' >>summary.md
sed -i 's|^template *=.*||; s|^\[pack\]|[pack]\ntemplate = board-pack.md|' pack.ini
