from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class NullValue(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    NULL_VALUE: _ClassVar[NullValue]
NULL_VALUE: NullValue

class NDArray(_message.Message):
    __slots__ = ("dtype", "shape", "data")
    DTYPE_FIELD_NUMBER: _ClassVar[int]
    SHAPE_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    dtype: str
    shape: _containers.RepeatedScalarFieldContainer[int]
    data: bytes
    def __init__(self, dtype: _Optional[str] = ..., shape: _Optional[_Iterable[int]] = ..., data: _Optional[bytes] = ...) -> None: ...

class FrameMeta(_message.Message):
    __slots__ = ("series", "index", "index_tz", "index_name", "column_labels", "columns_name", "name")
    SERIES_FIELD_NUMBER: _ClassVar[int]
    INDEX_FIELD_NUMBER: _ClassVar[int]
    INDEX_TZ_FIELD_NUMBER: _ClassVar[int]
    INDEX_NAME_FIELD_NUMBER: _ClassVar[int]
    COLUMN_LABELS_FIELD_NUMBER: _ClassVar[int]
    COLUMNS_NAME_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    series: bool
    index: NDArray
    index_tz: str
    index_name: Value
    column_labels: NDArray
    columns_name: Value
    name: Value
    def __init__(self, series: _Optional[bool] = ..., index: _Optional[_Union[NDArray, _Mapping]] = ..., index_tz: _Optional[str] = ..., index_name: _Optional[_Union[Value, _Mapping]] = ..., column_labels: _Optional[_Union[NDArray, _Mapping]] = ..., columns_name: _Optional[_Union[Value, _Mapping]] = ..., name: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...

class Frame(_message.Message):
    __slots__ = ("meta", "columns")
    META_FIELD_NUMBER: _ClassVar[int]
    COLUMNS_FIELD_NUMBER: _ClassVar[int]
    meta: FrameMeta
    columns: _containers.RepeatedCompositeFieldContainer[NDArray]
    def __init__(self, meta: _Optional[_Union[FrameMeta, _Mapping]] = ..., columns: _Optional[_Iterable[_Union[NDArray, _Mapping]]] = ...) -> None: ...

class Record(_message.Message):
    __slots__ = ("type", "fields")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    type: str
    fields: _containers.RepeatedCompositeFieldContainer[NamedValue]
    def __init__(self, type: _Optional[str] = ..., fields: _Optional[_Iterable[_Union[NamedValue, _Mapping]]] = ...) -> None: ...

class NamedValue(_message.Message):
    __slots__ = ("name", "value")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    name: str
    value: Value
    def __init__(self, name: _Optional[str] = ..., value: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...

class ValueList(_message.Message):
    __slots__ = ("items", "tuple")
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    TUPLE_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[Value]
    tuple: bool
    def __init__(self, items: _Optional[_Iterable[_Union[Value, _Mapping]]] = ..., tuple: _Optional[bool] = ...) -> None: ...

class ValueMap(_message.Message):
    __slots__ = ("entries",)
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[NamedValue]
    def __init__(self, entries: _Optional[_Iterable[_Union[NamedValue, _Mapping]]] = ...) -> None: ...

class Value(_message.Message):
    __slots__ = ("null_value", "bool_value", "int_value", "float_value", "string_value", "array", "frame", "record", "list", "map", "dataset")
    NULL_VALUE_FIELD_NUMBER: _ClassVar[int]
    BOOL_VALUE_FIELD_NUMBER: _ClassVar[int]
    INT_VALUE_FIELD_NUMBER: _ClassVar[int]
    FLOAT_VALUE_FIELD_NUMBER: _ClassVar[int]
    STRING_VALUE_FIELD_NUMBER: _ClassVar[int]
    ARRAY_FIELD_NUMBER: _ClassVar[int]
    FRAME_FIELD_NUMBER: _ClassVar[int]
    RECORD_FIELD_NUMBER: _ClassVar[int]
    LIST_FIELD_NUMBER: _ClassVar[int]
    MAP_FIELD_NUMBER: _ClassVar[int]
    DATASET_FIELD_NUMBER: _ClassVar[int]
    null_value: NullValue
    bool_value: bool
    int_value: int
    float_value: float
    string_value: str
    array: NDArray
    frame: Frame
    record: Record
    list: ValueList
    map: ValueMap
    dataset: DatasetColumns
    def __init__(self, null_value: _Optional[_Union[NullValue, str]] = ..., bool_value: _Optional[bool] = ..., int_value: _Optional[int] = ..., float_value: _Optional[float] = ..., string_value: _Optional[str] = ..., array: _Optional[_Union[NDArray, _Mapping]] = ..., frame: _Optional[_Union[Frame, _Mapping]] = ..., record: _Optional[_Union[Record, _Mapping]] = ..., list: _Optional[_Union[ValueList, _Mapping]] = ..., map: _Optional[_Union[ValueMap, _Mapping]] = ..., dataset: _Optional[_Union[DatasetColumns, _Mapping]] = ...) -> None: ...

class DatasetHeader(_message.Message):
    __slots__ = ("dtype", "shape", "frame")
    DTYPE_FIELD_NUMBER: _ClassVar[int]
    SHAPE_FIELD_NUMBER: _ClassVar[int]
    FRAME_FIELD_NUMBER: _ClassVar[int]
    dtype: str
    shape: _containers.RepeatedScalarFieldContainer[int]
    frame: FrameMeta
    def __init__(self, dtype: _Optional[str] = ..., shape: _Optional[_Iterable[int]] = ..., frame: _Optional[_Union[FrameMeta, _Mapping]] = ...) -> None: ...

class DatasetChunk(_message.Message):
    __slots__ = ("header", "data")
    HEADER_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    header: DatasetHeader
    data: bytes
    def __init__(self, header: _Optional[_Union[DatasetHeader, _Mapping]] = ..., data: _Optional[bytes] = ...) -> None: ...

class PutDatasetUnaryRequest(_message.Message):
    __slots__ = ("header", "data")
    HEADER_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    header: DatasetHeader
    data: bytes
    def __init__(self, header: _Optional[_Union[DatasetHeader, _Mapping]] = ..., data: _Optional[bytes] = ...) -> None: ...

class DatasetRef(_message.Message):
    __slots__ = ("ref", "nbytes", "created")
    REF_FIELD_NUMBER: _ClassVar[int]
    NBYTES_FIELD_NUMBER: _ClassVar[int]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    ref: str
    nbytes: int
    created: bool
    def __init__(self, ref: _Optional[str] = ..., nbytes: _Optional[int] = ..., created: _Optional[bool] = ...) -> None: ...

class DatasetColumns(_message.Message):
    __slots__ = ("ref", "columns", "column_indices", "squeeze")
    REF_FIELD_NUMBER: _ClassVar[int]
    COLUMNS_FIELD_NUMBER: _ClassVar[int]
    COLUMN_INDICES_FIELD_NUMBER: _ClassVar[int]
    SQUEEZE_FIELD_NUMBER: _ClassVar[int]
    ref: str
    columns: _containers.RepeatedScalarFieldContainer[str]
    column_indices: _containers.RepeatedScalarFieldContainer[int]
    squeeze: bool
    def __init__(self, ref: _Optional[str] = ..., columns: _Optional[_Iterable[str]] = ..., column_indices: _Optional[_Iterable[int]] = ..., squeeze: _Optional[bool] = ...) -> None: ...

class CallRequest(_message.Message):
    __slots__ = ("function", "arguments")
    FUNCTION_FIELD_NUMBER: _ClassVar[int]
    ARGUMENTS_FIELD_NUMBER: _ClassVar[int]
    function: str
    arguments: _containers.RepeatedCompositeFieldContainer[NamedValue]
    def __init__(self, function: _Optional[str] = ..., arguments: _Optional[_Iterable[_Union[NamedValue, _Mapping]]] = ...) -> None: ...

class Result(_message.Message):
    __slots__ = ("value", "engine", "server_seconds")
    VALUE_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    SERVER_SECONDS_FIELD_NUMBER: _ClassVar[int]
    value: Value
    engine: str
    server_seconds: float
    def __init__(self, value: _Optional[_Union[Value, _Mapping]] = ..., engine: _Optional[str] = ..., server_seconds: _Optional[float] = ...) -> None: ...

class Progress(_message.Message):
    __slots__ = ("done", "total", "unit")
    DONE_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    done: int
    total: int
    unit: str
    def __init__(self, done: _Optional[int] = ..., total: _Optional[int] = ..., unit: _Optional[str] = ...) -> None: ...

class StreamEvent(_message.Message):
    __slots__ = ("progress", "result")
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    progress: Progress
    result: Result
    def __init__(self, progress: _Optional[_Union[Progress, _Mapping]] = ..., result: _Optional[_Union[Result, _Mapping]] = ...) -> None: ...

class InfoRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class CacheStats(_message.Message):
    __slots__ = ("entries", "bytes", "capacity_bytes", "hits", "misses", "evictions", "uploads")
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    BYTES_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_BYTES_FIELD_NUMBER: _ClassVar[int]
    HITS_FIELD_NUMBER: _ClassVar[int]
    MISSES_FIELD_NUMBER: _ClassVar[int]
    EVICTIONS_FIELD_NUMBER: _ClassVar[int]
    UPLOADS_FIELD_NUMBER: _ClassVar[int]
    entries: int
    bytes: int
    capacity_bytes: int
    hits: int
    misses: int
    evictions: int
    uploads: int
    def __init__(self, entries: _Optional[int] = ..., bytes: _Optional[int] = ..., capacity_bytes: _Optional[int] = ..., hits: _Optional[int] = ..., misses: _Optional[int] = ..., evictions: _Optional[int] = ..., uploads: _Optional[int] = ...) -> None: ...

class InfoResponse(_message.Message):
    __slots__ = ("version", "engine", "cores", "workers", "cache", "functions", "python", "grpc", "pid", "uptime_seconds", "auth", "tls", "calls_total", "calls_active", "calls_cancelled", "max_message_bytes")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    CORES_FIELD_NUMBER: _ClassVar[int]
    WORKERS_FIELD_NUMBER: _ClassVar[int]
    CACHE_FIELD_NUMBER: _ClassVar[int]
    FUNCTIONS_FIELD_NUMBER: _ClassVar[int]
    PYTHON_FIELD_NUMBER: _ClassVar[int]
    GRPC_FIELD_NUMBER: _ClassVar[int]
    PID_FIELD_NUMBER: _ClassVar[int]
    UPTIME_SECONDS_FIELD_NUMBER: _ClassVar[int]
    AUTH_FIELD_NUMBER: _ClassVar[int]
    TLS_FIELD_NUMBER: _ClassVar[int]
    CALLS_TOTAL_FIELD_NUMBER: _ClassVar[int]
    CALLS_ACTIVE_FIELD_NUMBER: _ClassVar[int]
    CALLS_CANCELLED_FIELD_NUMBER: _ClassVar[int]
    MAX_MESSAGE_BYTES_FIELD_NUMBER: _ClassVar[int]
    version: str
    engine: str
    cores: int
    workers: int
    cache: CacheStats
    functions: _containers.RepeatedScalarFieldContainer[str]
    python: str
    grpc: str
    pid: int
    uptime_seconds: float
    auth: bool
    tls: bool
    calls_total: int
    calls_active: int
    calls_cancelled: int
    max_message_bytes: int
    def __init__(self, version: _Optional[str] = ..., engine: _Optional[str] = ..., cores: _Optional[int] = ..., workers: _Optional[int] = ..., cache: _Optional[_Union[CacheStats, _Mapping]] = ..., functions: _Optional[_Iterable[str]] = ..., python: _Optional[str] = ..., grpc: _Optional[str] = ..., pid: _Optional[int] = ..., uptime_seconds: _Optional[float] = ..., auth: _Optional[bool] = ..., tls: _Optional[bool] = ..., calls_total: _Optional[int] = ..., calls_active: _Optional[int] = ..., calls_cancelled: _Optional[int] = ..., max_message_bytes: _Optional[int] = ...) -> None: ...

class CorrelationRequest(_message.Message):
    __slots__ = ("returns",)
    RETURNS_FIELD_NUMBER: _ClassVar[int]
    returns: Value
    def __init__(self, returns: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...

class CovarianceRequest(_message.Message):
    __slots__ = ("returns",)
    RETURNS_FIELD_NUMBER: _ClassVar[int]
    returns: Value
    def __init__(self, returns: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...

class RollingStatsRequest(_message.Message):
    __slots__ = ("x", "window")
    X_FIELD_NUMBER: _ClassVar[int]
    WINDOW_FIELD_NUMBER: _ClassVar[int]
    x: Value
    window: Value
    def __init__(self, x: _Optional[_Union[Value, _Mapping]] = ..., window: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...

class PcaRequest(_message.Message):
    __slots__ = ("returns", "n_components")
    RETURNS_FIELD_NUMBER: _ClassVar[int]
    N_COMPONENTS_FIELD_NUMBER: _ClassVar[int]
    returns: Value
    n_components: Value
    def __init__(self, returns: _Optional[_Union[Value, _Mapping]] = ..., n_components: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...

class HurstRequest(_message.Message):
    __slots__ = ("x", "max_lag")
    X_FIELD_NUMBER: _ClassVar[int]
    MAX_LAG_FIELD_NUMBER: _ClassVar[int]
    x: Value
    max_lag: Value
    def __init__(self, x: _Optional[_Union[Value, _Mapping]] = ..., max_lag: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...

class AdfRequest(_message.Message):
    __slots__ = ("x", "maxlag", "regression", "autolag")
    X_FIELD_NUMBER: _ClassVar[int]
    MAXLAG_FIELD_NUMBER: _ClassVar[int]
    REGRESSION_FIELD_NUMBER: _ClassVar[int]
    AUTOLAG_FIELD_NUMBER: _ClassVar[int]
    x: Value
    maxlag: Value
    regression: Value
    autolag: Value
    def __init__(self, x: _Optional[_Union[Value, _Mapping]] = ..., maxlag: _Optional[_Union[Value, _Mapping]] = ..., regression: _Optional[_Union[Value, _Mapping]] = ..., autolag: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...

class EngleGrangerRequest(_message.Message):
    __slots__ = ("y", "x", "trend", "maxlag", "autolag")
    Y_FIELD_NUMBER: _ClassVar[int]
    X_FIELD_NUMBER: _ClassVar[int]
    TREND_FIELD_NUMBER: _ClassVar[int]
    MAXLAG_FIELD_NUMBER: _ClassVar[int]
    AUTOLAG_FIELD_NUMBER: _ClassVar[int]
    y: Value
    x: Value
    trend: Value
    maxlag: Value
    autolag: Value
    def __init__(self, y: _Optional[_Union[Value, _Mapping]] = ..., x: _Optional[_Union[Value, _Mapping]] = ..., trend: _Optional[_Union[Value, _Mapping]] = ..., maxlag: _Optional[_Union[Value, _Mapping]] = ..., autolag: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...

class JohansenRequest(_message.Message):
    __slots__ = ("prices", "det_order", "k_ar_diff")
    PRICES_FIELD_NUMBER: _ClassVar[int]
    DET_ORDER_FIELD_NUMBER: _ClassVar[int]
    K_AR_DIFF_FIELD_NUMBER: _ClassVar[int]
    prices: Value
    det_order: Value
    k_ar_diff: Value
    def __init__(self, prices: _Optional[_Union[Value, _Mapping]] = ..., det_order: _Optional[_Union[Value, _Mapping]] = ..., k_ar_diff: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...

class PairScanRequest(_message.Message):
    __slots__ = ("prices", "trend", "maxlag", "autolag", "pairs")
    PRICES_FIELD_NUMBER: _ClassVar[int]
    TREND_FIELD_NUMBER: _ClassVar[int]
    MAXLAG_FIELD_NUMBER: _ClassVar[int]
    AUTOLAG_FIELD_NUMBER: _ClassVar[int]
    PAIRS_FIELD_NUMBER: _ClassVar[int]
    prices: Value
    trend: Value
    maxlag: Value
    autolag: Value
    pairs: Value
    def __init__(self, prices: _Optional[_Union[Value, _Mapping]] = ..., trend: _Optional[_Union[Value, _Mapping]] = ..., maxlag: _Optional[_Union[Value, _Mapping]] = ..., autolag: _Optional[_Union[Value, _Mapping]] = ..., pairs: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...

class OuFitRequest(_message.Message):
    __slots__ = ("x", "dt", "ci", "n_boot", "seed")
    X_FIELD_NUMBER: _ClassVar[int]
    DT_FIELD_NUMBER: _ClassVar[int]
    CI_FIELD_NUMBER: _ClassVar[int]
    N_BOOT_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    x: Value
    dt: Value
    ci: Value
    n_boot: Value
    seed: Value
    def __init__(self, x: _Optional[_Union[Value, _Mapping]] = ..., dt: _Optional[_Union[Value, _Mapping]] = ..., ci: _Optional[_Union[Value, _Mapping]] = ..., n_boot: _Optional[_Union[Value, _Mapping]] = ..., seed: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...

class OptimalThresholdsRequest(_message.Message):
    __slots__ = ("kappa", "theta", "sigma", "cost", "rf")
    KAPPA_FIELD_NUMBER: _ClassVar[int]
    THETA_FIELD_NUMBER: _ClassVar[int]
    SIGMA_FIELD_NUMBER: _ClassVar[int]
    COST_FIELD_NUMBER: _ClassVar[int]
    RF_FIELD_NUMBER: _ClassVar[int]
    kappa: Value
    theta: Value
    sigma: Value
    cost: Value
    rf: Value
    def __init__(self, kappa: _Optional[_Union[Value, _Mapping]] = ..., theta: _Optional[_Union[Value, _Mapping]] = ..., sigma: _Optional[_Union[Value, _Mapping]] = ..., cost: _Optional[_Union[Value, _Mapping]] = ..., rf: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...

class CaraPositionRequest(_message.Message):
    __slots__ = ("kappa", "theta", "sigma", "x", "gamma", "horizon")
    KAPPA_FIELD_NUMBER: _ClassVar[int]
    THETA_FIELD_NUMBER: _ClassVar[int]
    SIGMA_FIELD_NUMBER: _ClassVar[int]
    X_FIELD_NUMBER: _ClassVar[int]
    GAMMA_FIELD_NUMBER: _ClassVar[int]
    HORIZON_FIELD_NUMBER: _ClassVar[int]
    kappa: Value
    theta: Value
    sigma: Value
    x: Value
    gamma: Value
    horizon: Value
    def __init__(self, kappa: _Optional[_Union[Value, _Mapping]] = ..., theta: _Optional[_Union[Value, _Mapping]] = ..., sigma: _Optional[_Union[Value, _Mapping]] = ..., x: _Optional[_Union[Value, _Mapping]] = ..., gamma: _Optional[_Union[Value, _Mapping]] = ..., horizon: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...

class BacktestPairsRequest(_message.Message):
    __slots__ = ("y", "x", "params")
    Y_FIELD_NUMBER: _ClassVar[int]
    X_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    y: Value
    x: Value
    params: Value
    def __init__(self, y: _Optional[_Union[Value, _Mapping]] = ..., x: _Optional[_Union[Value, _Mapping]] = ..., params: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...

class KalmanMleRequest(_message.Message):
    __slots__ = ("y", "x", "train_fraction")
    Y_FIELD_NUMBER: _ClassVar[int]
    X_FIELD_NUMBER: _ClassVar[int]
    TRAIN_FRACTION_FIELD_NUMBER: _ClassVar[int]
    y: Value
    x: Value
    train_fraction: Value
    def __init__(self, y: _Optional[_Union[Value, _Mapping]] = ..., x: _Optional[_Union[Value, _Mapping]] = ..., train_fraction: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...

class SweepRequest(_message.Message):
    __slots__ = ("y", "x", "grid", "metric", "params", "sample")
    Y_FIELD_NUMBER: _ClassVar[int]
    X_FIELD_NUMBER: _ClassVar[int]
    GRID_FIELD_NUMBER: _ClassVar[int]
    METRIC_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    SAMPLE_FIELD_NUMBER: _ClassVar[int]
    y: Value
    x: Value
    grid: Value
    metric: Value
    params: Value
    sample: Value
    def __init__(self, y: _Optional[_Union[Value, _Mapping]] = ..., x: _Optional[_Union[Value, _Mapping]] = ..., grid: _Optional[_Union[Value, _Mapping]] = ..., metric: _Optional[_Union[Value, _Mapping]] = ..., params: _Optional[_Union[Value, _Mapping]] = ..., sample: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...

class HmmFitRequest(_message.Message):
    __slots__ = ("obs", "n_states", "n_iter", "tol", "seed", "n_init", "init", "mode", "window", "refit_every", "anchored")
    OBS_FIELD_NUMBER: _ClassVar[int]
    N_STATES_FIELD_NUMBER: _ClassVar[int]
    N_ITER_FIELD_NUMBER: _ClassVar[int]
    TOL_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    N_INIT_FIELD_NUMBER: _ClassVar[int]
    INIT_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    WINDOW_FIELD_NUMBER: _ClassVar[int]
    REFIT_EVERY_FIELD_NUMBER: _ClassVar[int]
    ANCHORED_FIELD_NUMBER: _ClassVar[int]
    obs: Value
    n_states: Value
    n_iter: Value
    tol: Value
    seed: Value
    n_init: Value
    init: Value
    mode: Value
    window: Value
    refit_every: Value
    anchored: Value
    def __init__(self, obs: _Optional[_Union[Value, _Mapping]] = ..., n_states: _Optional[_Union[Value, _Mapping]] = ..., n_iter: _Optional[_Union[Value, _Mapping]] = ..., tol: _Optional[_Union[Value, _Mapping]] = ..., seed: _Optional[_Union[Value, _Mapping]] = ..., n_init: _Optional[_Union[Value, _Mapping]] = ..., init: _Optional[_Union[Value, _Mapping]] = ..., mode: _Optional[_Union[Value, _Mapping]] = ..., window: _Optional[_Union[Value, _Mapping]] = ..., refit_every: _Optional[_Union[Value, _Mapping]] = ..., anchored: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...

class OptimizePortfolioRequest(_message.Message):
    __slots__ = ("returns", "method", "risk_free", "risk_aversion", "long_only", "bounds", "cov")
    RETURNS_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    RISK_FREE_FIELD_NUMBER: _ClassVar[int]
    RISK_AVERSION_FIELD_NUMBER: _ClassVar[int]
    LONG_ONLY_FIELD_NUMBER: _ClassVar[int]
    BOUNDS_FIELD_NUMBER: _ClassVar[int]
    COV_FIELD_NUMBER: _ClassVar[int]
    returns: Value
    method: Value
    risk_free: Value
    risk_aversion: Value
    long_only: Value
    bounds: Value
    cov: Value
    def __init__(self, returns: _Optional[_Union[Value, _Mapping]] = ..., method: _Optional[_Union[Value, _Mapping]] = ..., risk_free: _Optional[_Union[Value, _Mapping]] = ..., risk_aversion: _Optional[_Union[Value, _Mapping]] = ..., long_only: _Optional[_Union[Value, _Mapping]] = ..., bounds: _Optional[_Union[Value, _Mapping]] = ..., cov: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...

class EfficientFrontierRequest(_message.Message):
    __slots__ = ("returns", "n_points", "risk_free", "long_only", "bounds", "cov")
    RETURNS_FIELD_NUMBER: _ClassVar[int]
    N_POINTS_FIELD_NUMBER: _ClassVar[int]
    RISK_FREE_FIELD_NUMBER: _ClassVar[int]
    LONG_ONLY_FIELD_NUMBER: _ClassVar[int]
    BOUNDS_FIELD_NUMBER: _ClassVar[int]
    COV_FIELD_NUMBER: _ClassVar[int]
    returns: Value
    n_points: Value
    risk_free: Value
    long_only: Value
    bounds: Value
    cov: Value
    def __init__(self, returns: _Optional[_Union[Value, _Mapping]] = ..., n_points: _Optional[_Union[Value, _Mapping]] = ..., risk_free: _Optional[_Union[Value, _Mapping]] = ..., long_only: _Optional[_Union[Value, _Mapping]] = ..., bounds: _Optional[_Union[Value, _Mapping]] = ..., cov: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...

class SparsePortfolioRequest(_message.Message):
    __slots__ = ("returns", "method", "lam", "alpha", "target", "positive")
    RETURNS_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    LAM_FIELD_NUMBER: _ClassVar[int]
    ALPHA_FIELD_NUMBER: _ClassVar[int]
    TARGET_FIELD_NUMBER: _ClassVar[int]
    POSITIVE_FIELD_NUMBER: _ClassVar[int]
    returns: Value
    method: Value
    lam: Value
    alpha: Value
    target: Value
    positive: Value
    def __init__(self, returns: _Optional[_Union[Value, _Mapping]] = ..., method: _Optional[_Union[Value, _Mapping]] = ..., lam: _Optional[_Union[Value, _Mapping]] = ..., alpha: _Optional[_Union[Value, _Mapping]] = ..., target: _Optional[_Union[Value, _Mapping]] = ..., positive: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...

class MultiPeriodRequest(_message.Message):
    __slots__ = ("returns", "risk_aversion", "cost_bps", "n_periods", "initial", "cov")
    RETURNS_FIELD_NUMBER: _ClassVar[int]
    RISK_AVERSION_FIELD_NUMBER: _ClassVar[int]
    COST_BPS_FIELD_NUMBER: _ClassVar[int]
    N_PERIODS_FIELD_NUMBER: _ClassVar[int]
    INITIAL_FIELD_NUMBER: _ClassVar[int]
    COV_FIELD_NUMBER: _ClassVar[int]
    returns: Value
    risk_aversion: Value
    cost_bps: Value
    n_periods: Value
    initial: Value
    cov: Value
    def __init__(self, returns: _Optional[_Union[Value, _Mapping]] = ..., risk_aversion: _Optional[_Union[Value, _Mapping]] = ..., cost_bps: _Optional[_Union[Value, _Mapping]] = ..., n_periods: _Optional[_Union[Value, _Mapping]] = ..., initial: _Optional[_Union[Value, _Mapping]] = ..., cov: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...

class BsPriceRequest(_message.Message):
    __slots__ = ("spot", "strike", "t", "rate", "vol", "kind", "dividend")
    SPOT_FIELD_NUMBER: _ClassVar[int]
    STRIKE_FIELD_NUMBER: _ClassVar[int]
    T_FIELD_NUMBER: _ClassVar[int]
    RATE_FIELD_NUMBER: _ClassVar[int]
    VOL_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    DIVIDEND_FIELD_NUMBER: _ClassVar[int]
    spot: Value
    strike: Value
    t: Value
    rate: Value
    vol: Value
    kind: Value
    dividend: Value
    def __init__(self, spot: _Optional[_Union[Value, _Mapping]] = ..., strike: _Optional[_Union[Value, _Mapping]] = ..., t: _Optional[_Union[Value, _Mapping]] = ..., rate: _Optional[_Union[Value, _Mapping]] = ..., vol: _Optional[_Union[Value, _Mapping]] = ..., kind: _Optional[_Union[Value, _Mapping]] = ..., dividend: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...

class BsGreeksRequest(_message.Message):
    __slots__ = ("spot", "strike", "t", "rate", "vol", "kind", "dividend")
    SPOT_FIELD_NUMBER: _ClassVar[int]
    STRIKE_FIELD_NUMBER: _ClassVar[int]
    T_FIELD_NUMBER: _ClassVar[int]
    RATE_FIELD_NUMBER: _ClassVar[int]
    VOL_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    DIVIDEND_FIELD_NUMBER: _ClassVar[int]
    spot: Value
    strike: Value
    t: Value
    rate: Value
    vol: Value
    kind: Value
    dividend: Value
    def __init__(self, spot: _Optional[_Union[Value, _Mapping]] = ..., strike: _Optional[_Union[Value, _Mapping]] = ..., t: _Optional[_Union[Value, _Mapping]] = ..., rate: _Optional[_Union[Value, _Mapping]] = ..., vol: _Optional[_Union[Value, _Mapping]] = ..., kind: _Optional[_Union[Value, _Mapping]] = ..., dividend: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...

class ImpliedVolRequest(_message.Message):
    __slots__ = ("price", "spot", "strike", "t", "rate", "kind", "dividend")
    PRICE_FIELD_NUMBER: _ClassVar[int]
    SPOT_FIELD_NUMBER: _ClassVar[int]
    STRIKE_FIELD_NUMBER: _ClassVar[int]
    T_FIELD_NUMBER: _ClassVar[int]
    RATE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    DIVIDEND_FIELD_NUMBER: _ClassVar[int]
    price: Value
    spot: Value
    strike: Value
    t: Value
    rate: Value
    kind: Value
    dividend: Value
    def __init__(self, price: _Optional[_Union[Value, _Mapping]] = ..., spot: _Optional[_Union[Value, _Mapping]] = ..., strike: _Optional[_Union[Value, _Mapping]] = ..., t: _Optional[_Union[Value, _Mapping]] = ..., rate: _Optional[_Union[Value, _Mapping]] = ..., kind: _Optional[_Union[Value, _Mapping]] = ..., dividend: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...

class StrategyPayoffRequest(_message.Message):
    __slots__ = ("legs", "spots", "t")
    LEGS_FIELD_NUMBER: _ClassVar[int]
    SPOTS_FIELD_NUMBER: _ClassVar[int]
    T_FIELD_NUMBER: _ClassVar[int]
    legs: Value
    spots: Value
    t: Value
    def __init__(self, legs: _Optional[_Union[Value, _Mapping]] = ..., spots: _Optional[_Union[Value, _Mapping]] = ..., t: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...

class LobMetricsRequest(_message.Message):
    __slots__ = ("book", "depth", "order_size", "depth_bps")
    BOOK_FIELD_NUMBER: _ClassVar[int]
    DEPTH_FIELD_NUMBER: _ClassVar[int]
    ORDER_SIZE_FIELD_NUMBER: _ClassVar[int]
    DEPTH_BPS_FIELD_NUMBER: _ClassVar[int]
    book: Value
    depth: Value
    order_size: Value
    depth_bps: Value
    def __init__(self, book: _Optional[_Union[Value, _Mapping]] = ..., depth: _Optional[_Union[Value, _Mapping]] = ..., order_size: _Optional[_Union[Value, _Mapping]] = ..., depth_bps: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...

class SimulateLobRequest(_message.Message):
    __slots__ = ("n_events", "seed", "tick", "mid0", "n_levels", "rate_limit", "rate_market", "rate_cancel", "size_mean", "market_size_mean", "price_decay", "snapshot_every", "drop_prob")
    N_EVENTS_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    TICK_FIELD_NUMBER: _ClassVar[int]
    MID0_FIELD_NUMBER: _ClassVar[int]
    N_LEVELS_FIELD_NUMBER: _ClassVar[int]
    RATE_LIMIT_FIELD_NUMBER: _ClassVar[int]
    RATE_MARKET_FIELD_NUMBER: _ClassVar[int]
    RATE_CANCEL_FIELD_NUMBER: _ClassVar[int]
    SIZE_MEAN_FIELD_NUMBER: _ClassVar[int]
    MARKET_SIZE_MEAN_FIELD_NUMBER: _ClassVar[int]
    PRICE_DECAY_FIELD_NUMBER: _ClassVar[int]
    SNAPSHOT_EVERY_FIELD_NUMBER: _ClassVar[int]
    DROP_PROB_FIELD_NUMBER: _ClassVar[int]
    n_events: Value
    seed: Value
    tick: Value
    mid0: Value
    n_levels: Value
    rate_limit: Value
    rate_market: Value
    rate_cancel: Value
    size_mean: Value
    market_size_mean: Value
    price_decay: Value
    snapshot_every: Value
    drop_prob: Value
    def __init__(self, n_events: _Optional[_Union[Value, _Mapping]] = ..., seed: _Optional[_Union[Value, _Mapping]] = ..., tick: _Optional[_Union[Value, _Mapping]] = ..., mid0: _Optional[_Union[Value, _Mapping]] = ..., n_levels: _Optional[_Union[Value, _Mapping]] = ..., rate_limit: _Optional[_Union[Value, _Mapping]] = ..., rate_market: _Optional[_Union[Value, _Mapping]] = ..., rate_cancel: _Optional[_Union[Value, _Mapping]] = ..., size_mean: _Optional[_Union[Value, _Mapping]] = ..., market_size_mean: _Optional[_Union[Value, _Mapping]] = ..., price_decay: _Optional[_Union[Value, _Mapping]] = ..., snapshot_every: _Optional[_Union[Value, _Mapping]] = ..., drop_prob: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...

class ObReplayRequest(_message.Message):
    __slots__ = ("events", "depth", "every", "on_gap")
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    DEPTH_FIELD_NUMBER: _ClassVar[int]
    EVERY_FIELD_NUMBER: _ClassVar[int]
    ON_GAP_FIELD_NUMBER: _ClassVar[int]
    events: Value
    depth: Value
    every: Value
    on_gap: Value
    def __init__(self, events: _Optional[_Union[Value, _Mapping]] = ..., depth: _Optional[_Union[Value, _Mapping]] = ..., every: _Optional[_Union[Value, _Mapping]] = ..., on_gap: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...

class SharpeSeRequest(_message.Message):
    __slots__ = ("returns",)
    RETURNS_FIELD_NUMBER: _ClassVar[int]
    returns: Value
    def __init__(self, returns: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...

class ProbabilisticSharpeRequest(_message.Message):
    __slots__ = ("returns", "sr_benchmark")
    RETURNS_FIELD_NUMBER: _ClassVar[int]
    SR_BENCHMARK_FIELD_NUMBER: _ClassVar[int]
    returns: Value
    sr_benchmark: Value
    def __init__(self, returns: _Optional[_Union[Value, _Mapping]] = ..., sr_benchmark: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...

class DeflatedSharpeRequest(_message.Message):
    __slots__ = ("returns", "n_trials", "sr_variance")
    RETURNS_FIELD_NUMBER: _ClassVar[int]
    N_TRIALS_FIELD_NUMBER: _ClassVar[int]
    SR_VARIANCE_FIELD_NUMBER: _ClassVar[int]
    returns: Value
    n_trials: Value
    sr_variance: Value
    def __init__(self, returns: _Optional[_Union[Value, _Mapping]] = ..., n_trials: _Optional[_Union[Value, _Mapping]] = ..., sr_variance: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...

class PboRequest(_message.Message):
    __slots__ = ("returns_matrix", "n_splits")
    RETURNS_MATRIX_FIELD_NUMBER: _ClassVar[int]
    N_SPLITS_FIELD_NUMBER: _ClassVar[int]
    returns_matrix: Value
    n_splits: Value
    def __init__(self, returns_matrix: _Optional[_Union[Value, _Mapping]] = ..., n_splits: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...

class WalkForwardRequest(_message.Message):
    __slots__ = ("y", "x", "params", "grid", "train", "test", "anchored", "metric")
    Y_FIELD_NUMBER: _ClassVar[int]
    X_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    GRID_FIELD_NUMBER: _ClassVar[int]
    TRAIN_FIELD_NUMBER: _ClassVar[int]
    TEST_FIELD_NUMBER: _ClassVar[int]
    ANCHORED_FIELD_NUMBER: _ClassVar[int]
    METRIC_FIELD_NUMBER: _ClassVar[int]
    y: Value
    x: Value
    params: Value
    grid: Value
    train: Value
    test: Value
    anchored: Value
    metric: Value
    def __init__(self, y: _Optional[_Union[Value, _Mapping]] = ..., x: _Optional[_Union[Value, _Mapping]] = ..., params: _Optional[_Union[Value, _Mapping]] = ..., grid: _Optional[_Union[Value, _Mapping]] = ..., train: _Optional[_Union[Value, _Mapping]] = ..., test: _Optional[_Union[Value, _Mapping]] = ..., anchored: _Optional[_Union[Value, _Mapping]] = ..., metric: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...

class BacktestManyRequest(_message.Message):
    __slots__ = ("Y", "X", "params")
    Y_FIELD_NUMBER: _ClassVar[int]
    X_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    Y: Value
    X: Value
    params: Value
    def __init__(self, Y: _Optional[_Union[Value, _Mapping]] = ..., X: _Optional[_Union[Value, _Mapping]] = ..., params: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...
