"""The back end with Quarto: when it is installed, Quarto renders the manuscript itself."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from reviewflow.errors import InputError
from reviewflow.manuscript.metadata import pdf_timestamp, split_front_matter
from reviewflow.manuscript.output import write_atomic


def render_with_quarto(quarto: str, manuscript_dir: Path, variables_file: Path, out_pdf: Path,
                        bibliography: Path | None, csl: Path | None, source: str) -> None:
    """Quarto reads ``_variables.yml`` from the project folder, so a variables file elsewhere is copied in."""
    index = manuscript_dir / "index.qmd"
    project_vars = manuscript_dir / "_variables.yml"
    if variables_file.resolve() != project_vars.resolve():
        data = variables_file.read_bytes()
        if not project_vars.exists() or project_vars.read_bytes() != data:
            project_vars.write_bytes(data)
    meta, _ = split_front_matter(source, index)
    timestamp, _ = pdf_timestamp(meta)
    env = dict(os.environ)
    env.setdefault("SOURCE_DATE_EPOCH", str(timestamp))
    with tempfile.TemporaryDirectory(prefix="reviewflow-quarto-") as tmp:
        cmd = [quarto, "render", "index.qmd", "--to", "typst", "--output-dir", tmp, "-M", "keep-typ:true"]
        if bibliography is not None:
            cmd += ["-M", f"bibliography:{Path(bibliography).resolve()}"]
        if csl is not None:
            cmd += ["-M", f"csl:{Path(csl).resolve()}"]
        proc = subprocess.run(cmd, cwd=manuscript_dir, env=env, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            lines = (proc.stderr or proc.stdout).splitlines()[-8:]
            tail = "; ".join(ln.strip() for ln in lines if ln.strip()) or f"exit code {proc.returncode}"
            raise InputError(f"quarto render failed: {tail}", file=index)
        pdfs = sorted(Path(tmp).rglob("*.pdf"))
        if not pdfs:
            raise InputError("quarto render produced no PDF", file=index)
        write_atomic(out_pdf, pdfs[0].read_bytes())
        typs = sorted(Path(tmp).rglob("*.typ")) or sorted(manuscript_dir.glob("index.typ"))
        if typs:
            shutil.copyfile(typs[0], out_pdf.with_suffix(".typ"))
