"""Install dangwu: the toolkit package, the `dangwu` command and the default templates."""

from pathlib import Path

from setuptools import find_packages, setup

templates = [(f"share/dangwu/{p.parent.as_posix()}", [p.as_posix()]) for p in Path("templates").rglob("*.docx")]

setup(
    name="dangwu",
    version="0.1.0",
    description="党务工作台账与文书工具 (Party-affairs office ledger and document toolkit)",
    packages=find_packages(include=["toolkit", "toolkit.*"]),
    python_requires=">=3.11",
    install_requires=[
        "python-docx==1.2.0",
        "docxtpl==0.20.2",
        "openpyxl==3.1.5",
        "pdfplumber==0.11.10",
        "click>=8.1,<9",
        "docxcompose==2.2.0",
        "pypdf==7.1.0",
        "pypdfium2==5.15.2",  # also a pdfplumber dependency; used directly (PDF intake, binder)
        "chinesecalendar==1.11.0",
        "lunar-python==1.4.8",  # lunar dates and solar terms: statutory days off beyond chinesecalendar's data
        "lxml>=5",
        "Jinja2>=3.1,<4",
    ],
    extras_require={"dev": ["pytest>=8", "ruff==0.17.6"]},
    data_files=templates,
    entry_points={"console_scripts": ["dangwu=toolkit.cli:main"]},
)
