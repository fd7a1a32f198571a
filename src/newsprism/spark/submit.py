"""`newsprism spark run` as a script for `spark-submit`, which gives it the master, the cluster's settings
and the resources:

    spark-submit --master yarn $(python -c 'import newsprism.spark.submit as m; print(m.__file__)') \\
        s3a://bucket/cc-news/ --out s3a://bucket/result

The arguments after the script are those of `newsprism spark run` (`--master` among them is only needed
without spark-submit's). Every node runs newsprism from its own installation (`pip install 'newsprism[spark]'`
on each, or the same Python environment shipped as spark-submit's `--archives`); the Python that runs this
script and the workers is spark-submit's (PYSPARK_PYTHON, PYSPARK_DRIVER_PYTHON).
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> None:
    from newsprism.cli import main as cli

    cli(["spark", "run", *(sys.argv[1:] if argv is None else argv)], prog_name="newsprism spark run")


if __name__ == "__main__":
    main()
