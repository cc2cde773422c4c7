"""python -m audiogen_data OUT: describe a build and verify every listed file against its manifest."""

from __future__ import annotations

import sys
from typing import List, Optional

from .dataset import AudiogenDataset
from .manifest import ManifestError
from .verify import VerifyError


def main(argv: Optional[List[str]] = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or args[0].startswith('-'):
        print('usage: python -m audiogen_data OUT_DIR', file=sys.stderr)
        return 2
    try:
        d = AudiogenDataset(args[0])
        state = 'complete' if d.complete else 'in progress'
        print(f'{d.root}: {d.format}, {d.class_mode} {d.dtype}{list(d.sample_shape)}, {len(d.classes)} classes, {state}')
        for name in d.subsets:
            print(f'  {name}: {d.samples(name)} samples, epochs {len(d.finished_epochs(name))}/{d.num_epochs}')
        d.verify()
        print('all listed files match the manifest')
    except (ManifestError, VerifyError) as err:
        print(f'error: {err}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
