"""scikit-learn side of the splits and metrics sections (bench/sections/splits.mjs and
bench/sections/metrics.mjs). Protocol: bench/peer_protocol.py. Each timed command runs
its operation once and answers with wall and CPU milliseconds; the section alternates
these calls with trainkit's runs of the same operation on the same labels.

Commands:
  {"cmd": "labels", "name": "y", "path": file of little-endian int32}   load labels
  {"cmd": "drop", "name": "y"}                                          free them
  {"cmd": "split", "kind": "kfold"|"stratifiedKFold"|"trainTestSplit"|
   "stratifiedTrainTestSplit", "k": 5, "testSize": 0.2, "seed": S}      every fold built
  {"cmd": "confusion", "labels": true|false}                            confusion_matrix
  {"cmd": "report", "digits": 2}                                        classification_report
"""

import numpy as np

from peer_protocol import base_info, clock, serve, since

ARRAYS = {}


def hello(threads):
    import sklearn
    import threadpoolctl

    info = base_info(threads)
    info["sklearn"] = sklearn.__version__
    threadpoolctl.threadpool_limits(threads)
    info["threadpools"] = [
        {
            "api": pool.get("internal_api"),
            "library": pool.get("filepath"),
            "version": pool.get("version"),
            "threads": pool.get("num_threads"),
        }
        for pool in threadpoolctl.threadpool_info()
    ]
    return info


def labels(cmd):
    ARRAYS[cmd["name"]] = np.fromfile(cmd["path"], dtype="<i4")
    return {"count": int(ARRAYS[cmd["name"]].shape[0])}


def drop(cmd):
    ARRAYS.pop(cmd["name"], None)
    return None


def split(cmd):
    from sklearn.model_selection import KFold, StratifiedKFold, train_test_split

    y = ARRAYS["y"]
    n = y.shape[0]
    kind = cmd["kind"]
    seed = cmd.get("seed", 0)
    start = clock()
    check = 0
    if kind in ("kfold", "stratifiedKFold"):
        # KFold needs only the sample count; StratifiedKFold reads y. X is a 1-column stand-in.
        X = np.empty((n, 1), dtype=np.uint8)
        splitter = (
            KFold(cmd["k"], shuffle=True, random_state=seed)
            if kind == "kfold"
            else StratifiedKFold(cmd["k"], shuffle=True, random_state=seed)
        )
        for train, test in splitter.split(X, y):
            check += len(train) + int(test[0])
    elif kind in ("trainTestSplit", "stratifiedTrainTestSplit"):
        index = np.arange(n)
        stratify = y if kind == "stratifiedTrainTestSplit" else None
        train, test = train_test_split(
            index, test_size=cmd["testSize"], stratify=stratify, random_state=seed
        )
        check += len(train) + len(test)
    else:
        raise ValueError("unknown split " + kind)
    result = since(start)
    result["check"] = check
    return result


def confusion(cmd):
    from sklearn.metrics import confusion_matrix

    y_true, y_pred = ARRAYS["true"], ARRAYS["pred"]
    start = clock()
    if cmd.get("labels"):
        matrix = confusion_matrix(y_true, y_pred, labels=np.arange(cmd["classes"]))
    else:
        matrix = confusion_matrix(y_true, y_pred)
    result = since(start)
    if cmd.get("returnMatrix"):
        result["matrix"] = matrix.tolist()
    return result


def report(cmd):
    from sklearn.metrics import classification_report

    start = clock()
    text = classification_report(ARRAYS["true"], ARRAYS["pred"], digits=cmd.get("digits", 2))
    result = since(start)
    if cmd.get("returnText"):
        result["text"] = text
    return result


if __name__ == "__main__":
    serve({"labels": labels, "drop": drop, "split": split, "confusion": confusion, "report": report}, hello)
