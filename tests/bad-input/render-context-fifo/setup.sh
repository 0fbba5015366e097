printf "Hello {{name}}\n" >t.md && mkfifo ctx.json
