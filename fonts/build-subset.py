#!/usr/bin/python3
# Builds fonts/NotoSansSC-Regular-subset.otf, the font the server writes its PDFs with (the
# annual report): Noto Sans CJK SC Regular (SIL OFL 1.1, Debian's fonts-noto-cjk, the face at
# index 2 of NotoSansCJK-Regular.ttc) cut down to the characters a report can hold:
# - every character of GB2312 (the 6,763 common hanzi, punctuation, full-width forms);
# - every character of the Hubei names in geodata/dist/admin.json.gz and of the Chinese UI text;
# - ASCII, Latin-1 and the general punctuation block.
# Needs Debian's fonts-noto-cjk and python3-fonttools; run with /usr/bin/python3 from the
# project root. The output is committed, so neither package is needed to run the app.
import gzip, json, pathlib, re, subprocess

root = pathlib.Path(__file__).resolve().parent.parent
chars = set()
for b1 in range(0xA1, 0xF8):
    for b2 in range(0xA1, 0xFF):
        try:
            chars.add(bytes([b1, b2]).decode('gb2312'))
        except UnicodeDecodeError:
            pass
units = json.load(gzip.open(root / 'geodata/dist/admin.json.gz'))['units']
chars.update(''.join(u['name'] for u in units))
for f in (root / 'src/lib/i18n').glob('*zh.ts'):
    chars.update(f.read_text(encoding='utf-8'))
chars.update(chr(c) for c in range(0x20, 0x100))
chars.update(chr(c) for c in range(0x2000, 0x2070))
chars = sorted(c for c in chars if ord(c) >= 0x20)
(root / 'fonts/.chars.txt').write_text(''.join(chars), encoding='utf-8')
subprocess.run(
    [
        '/usr/bin/python3', '-m', 'fontTools.subset',
        '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', '--font-number=2',
        f'--text-file={root / "fonts/.chars.txt"}',
        '--layout-features=*', '--no-hinting', '--desubroutinize',
        f'--output-file={root / "fonts/NotoSansSC-Regular-subset.otf"}',
    ],
    check=True,
)
(root / 'fonts/.chars.txt').unlink()
print(len(chars), 'characters')
