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
    __slots__ = ("null_value", "bool_value", "int_value", "float_value", "string_value", "array", "frame", "list", "map", "dataset", "pair_params", "book_snapshot", "lob_events", "option_strategy", "hmm_params")
    NULL_VALUE_FIELD_NUMBER: _ClassVar[int]
    BOOL_VALUE_FIELD_NUMBER: _ClassVar[int]
    INT_VALUE_FIELD_NUMBER: _ClassVar[int]
    FLOAT_VALUE_FIELD_NUMBER: _ClassVar[int]
    STRING_VALUE_FIELD_NUMBER: _ClassVar[int]
    ARRAY_FIELD_NUMBER: _ClassVar[int]
    FRAME_FIELD_NUMBER: _ClassVar[int]
    LIST_FIELD_NUMBER: _ClassVar[int]
    MAP_FIELD_NUMBER: _ClassVar[int]
    DATASET_FIELD_NUMBER: _ClassVar[int]
    PAIR_PARAMS_FIELD_NUMBER: _ClassVar[int]
    BOOK_SNAPSHOT_FIELD_NUMBER: _ClassVar[int]
    LOB_EVENTS_FIELD_NUMBER: _ClassVar[int]
    OPTION_STRATEGY_FIELD_NUMBER: _ClassVar[int]
    HMM_PARAMS_FIELD_NUMBER: _ClassVar[int]
    null_value: NullValue
    bool_value: bool
    int_value: int
    float_value: float
    string_value: str
    array: NDArray
    frame: Frame
    list: ValueList
    map: ValueMap
    dataset: DatasetColumns
    pair_params: PairParams
    book_snapshot: BookSnapshot
    lob_events: LOBEvents
    option_strategy: OptionStrategy
    hmm_params: HMMParams
    def __init__(self, null_value: _Optional[_Union[NullValue, str]] = ..., bool_value: _Optional[bool] = ..., int_value: _Optional[int] = ..., float_value: _Optional[float] = ..., string_value: _Optional[str] = ..., array: _Optional[_Union[NDArray, _Mapping]] = ..., frame: _Optional[_Union[Frame, _Mapping]] = ..., list: _Optional[_Union[ValueList, _Mapping]] = ..., map: _Optional[_Union[ValueMap, _Mapping]] = ..., dataset: _Optional[_Union[DatasetColumns, _Mapping]] = ..., pair_params: _Optional[_Union[PairParams, _Mapping]] = ..., book_snapshot: _Optional[_Union[BookSnapshot, _Mapping]] = ..., lob_events: _Optional[_Union[LOBEvents, _Mapping]] = ..., option_strategy: _Optional[_Union[OptionStrategy, _Mapping]] = ..., hmm_params: _Optional[_Union[HMMParams, _Mapping]] = ...) -> None: ...

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

class Progress(_message.Message):
    __slots__ = ("done", "total", "unit")
    DONE_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    done: int
    total: int
    unit: str
    def __init__(self, done: _Optional[int] = ..., total: _Optional[int] = ..., unit: _Optional[str] = ...) -> None: ...

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

class CorrelationResponse(_message.Message):
    __slots__ = ("result", "engine", "server_seconds")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    SERVER_SECONDS_FIELD_NUMBER: _ClassVar[int]
    result: NDArray
    engine: str
    server_seconds: float
    def __init__(self, result: _Optional[_Union[NDArray, _Mapping]] = ..., engine: _Optional[str] = ..., server_seconds: _Optional[float] = ...) -> None: ...

class CovarianceRequest(_message.Message):
    __slots__ = ("returns",)
    RETURNS_FIELD_NUMBER: _ClassVar[int]
    returns: Value
    def __init__(self, returns: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...

class CovarianceResponse(_message.Message):
    __slots__ = ("result", "engine", "server_seconds")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    SERVER_SECONDS_FIELD_NUMBER: _ClassVar[int]
    result: NDArray
    engine: str
    server_seconds: float
    def __init__(self, result: _Optional[_Union[NDArray, _Mapping]] = ..., engine: _Optional[str] = ..., server_seconds: _Optional[float] = ...) -> None: ...

class RollingStatsRequest(_message.Message):
    __slots__ = ("x", "window")
    X_FIELD_NUMBER: _ClassVar[int]
    WINDOW_FIELD_NUMBER: _ClassVar[int]
    x: Value
    window: Value
    def __init__(self, x: _Optional[_Union[Value, _Mapping]] = ..., window: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...

class RollingStatsResponse(_message.Message):
    __slots__ = ("result", "engine", "server_seconds")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    SERVER_SECONDS_FIELD_NUMBER: _ClassVar[int]
    result: RollingStats
    engine: str
    server_seconds: float
    def __init__(self, result: _Optional[_Union[RollingStats, _Mapping]] = ..., engine: _Optional[str] = ..., server_seconds: _Optional[float] = ...) -> None: ...

class PcaRequest(_message.Message):
    __slots__ = ("returns", "n_components")
    RETURNS_FIELD_NUMBER: _ClassVar[int]
    N_COMPONENTS_FIELD_NUMBER: _ClassVar[int]
    returns: Value
    n_components: Value
    def __init__(self, returns: _Optional[_Union[Value, _Mapping]] = ..., n_components: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...

class PcaResponse(_message.Message):
    __slots__ = ("result", "engine", "server_seconds")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    SERVER_SECONDS_FIELD_NUMBER: _ClassVar[int]
    result: PCAResult
    engine: str
    server_seconds: float
    def __init__(self, result: _Optional[_Union[PCAResult, _Mapping]] = ..., engine: _Optional[str] = ..., server_seconds: _Optional[float] = ...) -> None: ...

class HurstRequest(_message.Message):
    __slots__ = ("x", "max_lag")
    X_FIELD_NUMBER: _ClassVar[int]
    MAX_LAG_FIELD_NUMBER: _ClassVar[int]
    x: Value
    max_lag: Value
    def __init__(self, x: _Optional[_Union[Value, _Mapping]] = ..., max_lag: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...

class HurstResponse(_message.Message):
    __slots__ = ("result", "engine", "server_seconds")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    SERVER_SECONDS_FIELD_NUMBER: _ClassVar[int]
    result: HurstResult
    engine: str
    server_seconds: float
    def __init__(self, result: _Optional[_Union[HurstResult, _Mapping]] = ..., engine: _Optional[str] = ..., server_seconds: _Optional[float] = ...) -> None: ...

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

class AdfResponse(_message.Message):
    __slots__ = ("result", "engine", "server_seconds")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    SERVER_SECONDS_FIELD_NUMBER: _ClassVar[int]
    result: ADFResult
    engine: str
    server_seconds: float
    def __init__(self, result: _Optional[_Union[ADFResult, _Mapping]] = ..., engine: _Optional[str] = ..., server_seconds: _Optional[float] = ...) -> None: ...

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

class EngleGrangerResponse(_message.Message):
    __slots__ = ("result", "engine", "server_seconds")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    SERVER_SECONDS_FIELD_NUMBER: _ClassVar[int]
    result: CointResult
    engine: str
    server_seconds: float
    def __init__(self, result: _Optional[_Union[CointResult, _Mapping]] = ..., engine: _Optional[str] = ..., server_seconds: _Optional[float] = ...) -> None: ...

class JohansenRequest(_message.Message):
    __slots__ = ("prices", "det_order", "k_ar_diff")
    PRICES_FIELD_NUMBER: _ClassVar[int]
    DET_ORDER_FIELD_NUMBER: _ClassVar[int]
    K_AR_DIFF_FIELD_NUMBER: _ClassVar[int]
    prices: Value
    det_order: Value
    k_ar_diff: Value
    def __init__(self, prices: _Optional[_Union[Value, _Mapping]] = ..., det_order: _Optional[_Union[Value, _Mapping]] = ..., k_ar_diff: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...

class JohansenResponse(_message.Message):
    __slots__ = ("result", "engine", "server_seconds")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    SERVER_SECONDS_FIELD_NUMBER: _ClassVar[int]
    result: JohansenResult
    engine: str
    server_seconds: float
    def __init__(self, result: _Optional[_Union[JohansenResult, _Mapping]] = ..., engine: _Optional[str] = ..., server_seconds: _Optional[float] = ...) -> None: ...

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

class PairScanResponse(_message.Message):
    __slots__ = ("result", "engine", "server_seconds")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    SERVER_SECONDS_FIELD_NUMBER: _ClassVar[int]
    result: PairScanResult
    engine: str
    server_seconds: float
    def __init__(self, result: _Optional[_Union[PairScanResult, _Mapping]] = ..., engine: _Optional[str] = ..., server_seconds: _Optional[float] = ...) -> None: ...

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

class OuFitResponse(_message.Message):
    __slots__ = ("result", "engine", "server_seconds")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    SERVER_SECONDS_FIELD_NUMBER: _ClassVar[int]
    result: OUFit
    engine: str
    server_seconds: float
    def __init__(self, result: _Optional[_Union[OUFit, _Mapping]] = ..., engine: _Optional[str] = ..., server_seconds: _Optional[float] = ...) -> None: ...

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

class OptimalThresholdsResponse(_message.Message):
    __slots__ = ("result", "engine", "server_seconds")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    SERVER_SECONDS_FIELD_NUMBER: _ClassVar[int]
    result: Thresholds
    engine: str
    server_seconds: float
    def __init__(self, result: _Optional[_Union[Thresholds, _Mapping]] = ..., engine: _Optional[str] = ..., server_seconds: _Optional[float] = ...) -> None: ...

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

class CaraPositionResponse(_message.Message):
    __slots__ = ("result", "engine", "server_seconds")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    SERVER_SECONDS_FIELD_NUMBER: _ClassVar[int]
    result: CARAPosition
    engine: str
    server_seconds: float
    def __init__(self, result: _Optional[_Union[CARAPosition, _Mapping]] = ..., engine: _Optional[str] = ..., server_seconds: _Optional[float] = ...) -> None: ...

class BacktestPairsRequest(_message.Message):
    __slots__ = ("y", "x", "params")
    Y_FIELD_NUMBER: _ClassVar[int]
    X_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    y: Value
    x: Value
    params: Value
    def __init__(self, y: _Optional[_Union[Value, _Mapping]] = ..., x: _Optional[_Union[Value, _Mapping]] = ..., params: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...

class BacktestPairsResponse(_message.Message):
    __slots__ = ("result", "engine", "server_seconds")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    SERVER_SECONDS_FIELD_NUMBER: _ClassVar[int]
    result: BacktestResult
    engine: str
    server_seconds: float
    def __init__(self, result: _Optional[_Union[BacktestResult, _Mapping]] = ..., engine: _Optional[str] = ..., server_seconds: _Optional[float] = ...) -> None: ...

class KalmanMleRequest(_message.Message):
    __slots__ = ("y", "x", "train_fraction")
    Y_FIELD_NUMBER: _ClassVar[int]
    X_FIELD_NUMBER: _ClassVar[int]
    TRAIN_FRACTION_FIELD_NUMBER: _ClassVar[int]
    y: Value
    x: Value
    train_fraction: Value
    def __init__(self, y: _Optional[_Union[Value, _Mapping]] = ..., x: _Optional[_Union[Value, _Mapping]] = ..., train_fraction: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...

class KalmanMleResponse(_message.Message):
    __slots__ = ("result", "engine", "server_seconds")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    SERVER_SECONDS_FIELD_NUMBER: _ClassVar[int]
    result: KalmanFit
    engine: str
    server_seconds: float
    def __init__(self, result: _Optional[_Union[KalmanFit, _Mapping]] = ..., engine: _Optional[str] = ..., server_seconds: _Optional[float] = ...) -> None: ...

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

class SweepResponse(_message.Message):
    __slots__ = ("result", "engine", "server_seconds")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    SERVER_SECONDS_FIELD_NUMBER: _ClassVar[int]
    result: SweepResult
    engine: str
    server_seconds: float
    def __init__(self, result: _Optional[_Union[SweepResult, _Mapping]] = ..., engine: _Optional[str] = ..., server_seconds: _Optional[float] = ...) -> None: ...

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

class HmmFitResponse(_message.Message):
    __slots__ = ("result", "engine", "server_seconds")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    SERVER_SECONDS_FIELD_NUMBER: _ClassVar[int]
    result: HMMResult
    engine: str
    server_seconds: float
    def __init__(self, result: _Optional[_Union[HMMResult, _Mapping]] = ..., engine: _Optional[str] = ..., server_seconds: _Optional[float] = ...) -> None: ...

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

class OptimizePortfolioResponse(_message.Message):
    __slots__ = ("result", "engine", "server_seconds")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    SERVER_SECONDS_FIELD_NUMBER: _ClassVar[int]
    result: PortfolioResult
    engine: str
    server_seconds: float
    def __init__(self, result: _Optional[_Union[PortfolioResult, _Mapping]] = ..., engine: _Optional[str] = ..., server_seconds: _Optional[float] = ...) -> None: ...

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

class EfficientFrontierResponse(_message.Message):
    __slots__ = ("result", "engine", "server_seconds")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    SERVER_SECONDS_FIELD_NUMBER: _ClassVar[int]
    result: Frontier
    engine: str
    server_seconds: float
    def __init__(self, result: _Optional[_Union[Frontier, _Mapping]] = ..., engine: _Optional[str] = ..., server_seconds: _Optional[float] = ...) -> None: ...

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

class SparsePortfolioResponse(_message.Message):
    __slots__ = ("result", "engine", "server_seconds")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    SERVER_SECONDS_FIELD_NUMBER: _ClassVar[int]
    result: SparsePortfolioResult
    engine: str
    server_seconds: float
    def __init__(self, result: _Optional[_Union[SparsePortfolioResult, _Mapping]] = ..., engine: _Optional[str] = ..., server_seconds: _Optional[float] = ...) -> None: ...

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

class MultiPeriodResponse(_message.Message):
    __slots__ = ("result", "engine", "server_seconds")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    SERVER_SECONDS_FIELD_NUMBER: _ClassVar[int]
    result: MultiPeriodResult
    engine: str
    server_seconds: float
    def __init__(self, result: _Optional[_Union[MultiPeriodResult, _Mapping]] = ..., engine: _Optional[str] = ..., server_seconds: _Optional[float] = ...) -> None: ...

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

class BsPriceResponse(_message.Message):
    __slots__ = ("result", "engine", "server_seconds")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    SERVER_SECONDS_FIELD_NUMBER: _ClassVar[int]
    result: NDArray
    engine: str
    server_seconds: float
    def __init__(self, result: _Optional[_Union[NDArray, _Mapping]] = ..., engine: _Optional[str] = ..., server_seconds: _Optional[float] = ...) -> None: ...

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

class BsGreeksResponse(_message.Message):
    __slots__ = ("result", "engine", "server_seconds")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    SERVER_SECONDS_FIELD_NUMBER: _ClassVar[int]
    result: Greeks
    engine: str
    server_seconds: float
    def __init__(self, result: _Optional[_Union[Greeks, _Mapping]] = ..., engine: _Optional[str] = ..., server_seconds: _Optional[float] = ...) -> None: ...

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

class ImpliedVolResponse(_message.Message):
    __slots__ = ("result", "engine", "server_seconds")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    SERVER_SECONDS_FIELD_NUMBER: _ClassVar[int]
    result: ImpliedVol
    engine: str
    server_seconds: float
    def __init__(self, result: _Optional[_Union[ImpliedVol, _Mapping]] = ..., engine: _Optional[str] = ..., server_seconds: _Optional[float] = ...) -> None: ...

class StrategyPayoffRequest(_message.Message):
    __slots__ = ("legs", "spots", "t")
    LEGS_FIELD_NUMBER: _ClassVar[int]
    SPOTS_FIELD_NUMBER: _ClassVar[int]
    T_FIELD_NUMBER: _ClassVar[int]
    legs: Value
    spots: Value
    t: Value
    def __init__(self, legs: _Optional[_Union[Value, _Mapping]] = ..., spots: _Optional[_Union[Value, _Mapping]] = ..., t: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...

class StrategyPayoffResponse(_message.Message):
    __slots__ = ("result", "engine", "server_seconds")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    SERVER_SECONDS_FIELD_NUMBER: _ClassVar[int]
    result: StrategyPayoff
    engine: str
    server_seconds: float
    def __init__(self, result: _Optional[_Union[StrategyPayoff, _Mapping]] = ..., engine: _Optional[str] = ..., server_seconds: _Optional[float] = ...) -> None: ...

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

class LobMetricsResponse(_message.Message):
    __slots__ = ("result", "engine", "server_seconds")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    SERVER_SECONDS_FIELD_NUMBER: _ClassVar[int]
    result: LOBMetrics
    engine: str
    server_seconds: float
    def __init__(self, result: _Optional[_Union[LOBMetrics, _Mapping]] = ..., engine: _Optional[str] = ..., server_seconds: _Optional[float] = ...) -> None: ...

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

class SimulateLobResponse(_message.Message):
    __slots__ = ("result", "engine", "server_seconds")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    SERVER_SECONDS_FIELD_NUMBER: _ClassVar[int]
    result: LOBEvents
    engine: str
    server_seconds: float
    def __init__(self, result: _Optional[_Union[LOBEvents, _Mapping]] = ..., engine: _Optional[str] = ..., server_seconds: _Optional[float] = ...) -> None: ...

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

class ObReplayResponse(_message.Message):
    __slots__ = ("result", "engine", "server_seconds")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    SERVER_SECONDS_FIELD_NUMBER: _ClassVar[int]
    result: ReplayResult
    engine: str
    server_seconds: float
    def __init__(self, result: _Optional[_Union[ReplayResult, _Mapping]] = ..., engine: _Optional[str] = ..., server_seconds: _Optional[float] = ...) -> None: ...

class SharpeSeRequest(_message.Message):
    __slots__ = ("returns",)
    RETURNS_FIELD_NUMBER: _ClassVar[int]
    returns: Value
    def __init__(self, returns: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...

class SharpeSeResponse(_message.Message):
    __slots__ = ("result", "engine", "server_seconds")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    SERVER_SECONDS_FIELD_NUMBER: _ClassVar[int]
    result: float
    engine: str
    server_seconds: float
    def __init__(self, result: _Optional[float] = ..., engine: _Optional[str] = ..., server_seconds: _Optional[float] = ...) -> None: ...

class ProbabilisticSharpeRequest(_message.Message):
    __slots__ = ("returns", "sr_benchmark")
    RETURNS_FIELD_NUMBER: _ClassVar[int]
    SR_BENCHMARK_FIELD_NUMBER: _ClassVar[int]
    returns: Value
    sr_benchmark: Value
    def __init__(self, returns: _Optional[_Union[Value, _Mapping]] = ..., sr_benchmark: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...

class ProbabilisticSharpeResponse(_message.Message):
    __slots__ = ("result", "engine", "server_seconds")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    SERVER_SECONDS_FIELD_NUMBER: _ClassVar[int]
    result: float
    engine: str
    server_seconds: float
    def __init__(self, result: _Optional[float] = ..., engine: _Optional[str] = ..., server_seconds: _Optional[float] = ...) -> None: ...

class DeflatedSharpeRequest(_message.Message):
    __slots__ = ("returns", "n_trials", "sr_variance")
    RETURNS_FIELD_NUMBER: _ClassVar[int]
    N_TRIALS_FIELD_NUMBER: _ClassVar[int]
    SR_VARIANCE_FIELD_NUMBER: _ClassVar[int]
    returns: Value
    n_trials: Value
    sr_variance: Value
    def __init__(self, returns: _Optional[_Union[Value, _Mapping]] = ..., n_trials: _Optional[_Union[Value, _Mapping]] = ..., sr_variance: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...

class DeflatedSharpeResponse(_message.Message):
    __slots__ = ("result", "engine", "server_seconds")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    SERVER_SECONDS_FIELD_NUMBER: _ClassVar[int]
    result: float
    engine: str
    server_seconds: float
    def __init__(self, result: _Optional[float] = ..., engine: _Optional[str] = ..., server_seconds: _Optional[float] = ...) -> None: ...

class PboRequest(_message.Message):
    __slots__ = ("returns_matrix", "n_splits")
    RETURNS_MATRIX_FIELD_NUMBER: _ClassVar[int]
    N_SPLITS_FIELD_NUMBER: _ClassVar[int]
    returns_matrix: Value
    n_splits: Value
    def __init__(self, returns_matrix: _Optional[_Union[Value, _Mapping]] = ..., n_splits: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...

class PboResponse(_message.Message):
    __slots__ = ("result", "engine", "server_seconds")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    SERVER_SECONDS_FIELD_NUMBER: _ClassVar[int]
    result: PBOResult
    engine: str
    server_seconds: float
    def __init__(self, result: _Optional[_Union[PBOResult, _Mapping]] = ..., engine: _Optional[str] = ..., server_seconds: _Optional[float] = ...) -> None: ...

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

class WalkForwardResponse(_message.Message):
    __slots__ = ("result", "engine", "server_seconds")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    SERVER_SECONDS_FIELD_NUMBER: _ClassVar[int]
    result: WalkForwardResult
    engine: str
    server_seconds: float
    def __init__(self, result: _Optional[_Union[WalkForwardResult, _Mapping]] = ..., engine: _Optional[str] = ..., server_seconds: _Optional[float] = ...) -> None: ...

class BacktestManyRequest(_message.Message):
    __slots__ = ("Y", "X", "params")
    Y_FIELD_NUMBER: _ClassVar[int]
    X_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    Y: Value
    X: Value
    params: Value
    def __init__(self, Y: _Optional[_Union[Value, _Mapping]] = ..., X: _Optional[_Union[Value, _Mapping]] = ..., params: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...

class BacktestManyResponse(_message.Message):
    __slots__ = ("result", "engine", "server_seconds")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    SERVER_SECONDS_FIELD_NUMBER: _ClassVar[int]
    result: BatchBacktestResult
    engine: str
    server_seconds: float
    def __init__(self, result: _Optional[_Union[BatchBacktestResult, _Mapping]] = ..., engine: _Optional[str] = ..., server_seconds: _Optional[float] = ...) -> None: ...

class StreamEvent(_message.Message):
    __slots__ = ("progress", "pair_scan", "sweep")
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    PAIR_SCAN_FIELD_NUMBER: _ClassVar[int]
    SWEEP_FIELD_NUMBER: _ClassVar[int]
    progress: Progress
    pair_scan: PairScanResponse
    sweep: SweepResponse
    def __init__(self, progress: _Optional[_Union[Progress, _Mapping]] = ..., pair_scan: _Optional[_Union[PairScanResponse, _Mapping]] = ..., sweep: _Optional[_Union[SweepResponse, _Mapping]] = ...) -> None: ...

class RollingStats(_message.Message):
    __slots__ = ("mean", "std", "zscore")
    MEAN_FIELD_NUMBER: _ClassVar[int]
    STD_FIELD_NUMBER: _ClassVar[int]
    ZSCORE_FIELD_NUMBER: _ClassVar[int]
    mean: NDArray
    std: NDArray
    zscore: NDArray
    def __init__(self, mean: _Optional[_Union[NDArray, _Mapping]] = ..., std: _Optional[_Union[NDArray, _Mapping]] = ..., zscore: _Optional[_Union[NDArray, _Mapping]] = ...) -> None: ...

class PCAResult(_message.Message):
    __slots__ = ("components", "explained_variance", "explained_variance_ratio", "scores")
    COMPONENTS_FIELD_NUMBER: _ClassVar[int]
    EXPLAINED_VARIANCE_FIELD_NUMBER: _ClassVar[int]
    EXPLAINED_VARIANCE_RATIO_FIELD_NUMBER: _ClassVar[int]
    SCORES_FIELD_NUMBER: _ClassVar[int]
    components: NDArray
    explained_variance: NDArray
    explained_variance_ratio: NDArray
    scores: NDArray
    def __init__(self, components: _Optional[_Union[NDArray, _Mapping]] = ..., explained_variance: _Optional[_Union[NDArray, _Mapping]] = ..., explained_variance_ratio: _Optional[_Union[NDArray, _Mapping]] = ..., scores: _Optional[_Union[NDArray, _Mapping]] = ...) -> None: ...

class HurstResult(_message.Message):
    __slots__ = ("exponent", "intercept", "lags", "scale", "r_squared", "stderr")
    EXPONENT_FIELD_NUMBER: _ClassVar[int]
    INTERCEPT_FIELD_NUMBER: _ClassVar[int]
    LAGS_FIELD_NUMBER: _ClassVar[int]
    SCALE_FIELD_NUMBER: _ClassVar[int]
    R_SQUARED_FIELD_NUMBER: _ClassVar[int]
    STDERR_FIELD_NUMBER: _ClassVar[int]
    exponent: float
    intercept: float
    lags: NDArray
    scale: NDArray
    r_squared: float
    stderr: float
    def __init__(self, exponent: _Optional[float] = ..., intercept: _Optional[float] = ..., lags: _Optional[_Union[NDArray, _Mapping]] = ..., scale: _Optional[_Union[NDArray, _Mapping]] = ..., r_squared: _Optional[float] = ..., stderr: _Optional[float] = ...) -> None: ...

class ADFResult(_message.Message):
    __slots__ = ("statistic", "pvalue", "lags", "nobs", "crit_values", "icbest", "maxlag")
    STATISTIC_FIELD_NUMBER: _ClassVar[int]
    PVALUE_FIELD_NUMBER: _ClassVar[int]
    LAGS_FIELD_NUMBER: _ClassVar[int]
    NOBS_FIELD_NUMBER: _ClassVar[int]
    CRIT_VALUES_FIELD_NUMBER: _ClassVar[int]
    ICBEST_FIELD_NUMBER: _ClassVar[int]
    MAXLAG_FIELD_NUMBER: _ClassVar[int]
    statistic: float
    pvalue: float
    lags: int
    nobs: int
    crit_values: NDArray
    icbest: float
    maxlag: int
    def __init__(self, statistic: _Optional[float] = ..., pvalue: _Optional[float] = ..., lags: _Optional[int] = ..., nobs: _Optional[int] = ..., crit_values: _Optional[_Union[NDArray, _Mapping]] = ..., icbest: _Optional[float] = ..., maxlag: _Optional[int] = ...) -> None: ...

class CointResult(_message.Message):
    __slots__ = ("statistic", "pvalue", "crit_values", "hedge_ratio", "intercept", "lags")
    STATISTIC_FIELD_NUMBER: _ClassVar[int]
    PVALUE_FIELD_NUMBER: _ClassVar[int]
    CRIT_VALUES_FIELD_NUMBER: _ClassVar[int]
    HEDGE_RATIO_FIELD_NUMBER: _ClassVar[int]
    INTERCEPT_FIELD_NUMBER: _ClassVar[int]
    LAGS_FIELD_NUMBER: _ClassVar[int]
    statistic: float
    pvalue: float
    crit_values: NDArray
    hedge_ratio: float
    intercept: float
    lags: int
    def __init__(self, statistic: _Optional[float] = ..., pvalue: _Optional[float] = ..., crit_values: _Optional[_Union[NDArray, _Mapping]] = ..., hedge_ratio: _Optional[float] = ..., intercept: _Optional[float] = ..., lags: _Optional[int] = ...) -> None: ...

class JohansenResult(_message.Message):
    __slots__ = ("trace_stat", "trace_crit", "max_eig_stat", "max_eig_crit", "eigenvalues", "eigenvectors", "nobs")
    TRACE_STAT_FIELD_NUMBER: _ClassVar[int]
    TRACE_CRIT_FIELD_NUMBER: _ClassVar[int]
    MAX_EIG_STAT_FIELD_NUMBER: _ClassVar[int]
    MAX_EIG_CRIT_FIELD_NUMBER: _ClassVar[int]
    EIGENVALUES_FIELD_NUMBER: _ClassVar[int]
    EIGENVECTORS_FIELD_NUMBER: _ClassVar[int]
    NOBS_FIELD_NUMBER: _ClassVar[int]
    trace_stat: NDArray
    trace_crit: NDArray
    max_eig_stat: NDArray
    max_eig_crit: NDArray
    eigenvalues: NDArray
    eigenvectors: NDArray
    nobs: int
    def __init__(self, trace_stat: _Optional[_Union[NDArray, _Mapping]] = ..., trace_crit: _Optional[_Union[NDArray, _Mapping]] = ..., max_eig_stat: _Optional[_Union[NDArray, _Mapping]] = ..., max_eig_crit: _Optional[_Union[NDArray, _Mapping]] = ..., eigenvalues: _Optional[_Union[NDArray, _Mapping]] = ..., eigenvectors: _Optional[_Union[NDArray, _Mapping]] = ..., nobs: _Optional[int] = ...) -> None: ...

class PairScanResult(_message.Message):
    __slots__ = ("pairs", "statistic", "pvalue", "qvalue", "hedge_ratio", "intercept", "half_life", "lags", "symbols")
    PAIRS_FIELD_NUMBER: _ClassVar[int]
    STATISTIC_FIELD_NUMBER: _ClassVar[int]
    PVALUE_FIELD_NUMBER: _ClassVar[int]
    QVALUE_FIELD_NUMBER: _ClassVar[int]
    HEDGE_RATIO_FIELD_NUMBER: _ClassVar[int]
    INTERCEPT_FIELD_NUMBER: _ClassVar[int]
    HALF_LIFE_FIELD_NUMBER: _ClassVar[int]
    LAGS_FIELD_NUMBER: _ClassVar[int]
    SYMBOLS_FIELD_NUMBER: _ClassVar[int]
    pairs: NDArray
    statistic: NDArray
    pvalue: NDArray
    qvalue: NDArray
    hedge_ratio: NDArray
    intercept: NDArray
    half_life: NDArray
    lags: NDArray
    symbols: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, pairs: _Optional[_Union[NDArray, _Mapping]] = ..., statistic: _Optional[_Union[NDArray, _Mapping]] = ..., pvalue: _Optional[_Union[NDArray, _Mapping]] = ..., qvalue: _Optional[_Union[NDArray, _Mapping]] = ..., hedge_ratio: _Optional[_Union[NDArray, _Mapping]] = ..., intercept: _Optional[_Union[NDArray, _Mapping]] = ..., half_life: _Optional[_Union[NDArray, _Mapping]] = ..., lags: _Optional[_Union[NDArray, _Mapping]] = ..., symbols: _Optional[_Iterable[str]] = ...) -> None: ...

class OUFit(_message.Message):
    __slots__ = ("kappa", "theta", "sigma", "half_life", "kappa_se", "theta_se", "sigma_se", "half_life_se", "loglik", "nobs", "dt", "ar_coef", "kappa_bc", "kappa_ci_low", "kappa_ci_high", "ci")
    KAPPA_FIELD_NUMBER: _ClassVar[int]
    THETA_FIELD_NUMBER: _ClassVar[int]
    SIGMA_FIELD_NUMBER: _ClassVar[int]
    HALF_LIFE_FIELD_NUMBER: _ClassVar[int]
    KAPPA_SE_FIELD_NUMBER: _ClassVar[int]
    THETA_SE_FIELD_NUMBER: _ClassVar[int]
    SIGMA_SE_FIELD_NUMBER: _ClassVar[int]
    HALF_LIFE_SE_FIELD_NUMBER: _ClassVar[int]
    LOGLIK_FIELD_NUMBER: _ClassVar[int]
    NOBS_FIELD_NUMBER: _ClassVar[int]
    DT_FIELD_NUMBER: _ClassVar[int]
    AR_COEF_FIELD_NUMBER: _ClassVar[int]
    KAPPA_BC_FIELD_NUMBER: _ClassVar[int]
    KAPPA_CI_LOW_FIELD_NUMBER: _ClassVar[int]
    KAPPA_CI_HIGH_FIELD_NUMBER: _ClassVar[int]
    CI_FIELD_NUMBER: _ClassVar[int]
    kappa: float
    theta: float
    sigma: float
    half_life: float
    kappa_se: float
    theta_se: float
    sigma_se: float
    half_life_se: float
    loglik: float
    nobs: int
    dt: float
    ar_coef: float
    kappa_bc: float
    kappa_ci_low: float
    kappa_ci_high: float
    ci: str
    def __init__(self, kappa: _Optional[float] = ..., theta: _Optional[float] = ..., sigma: _Optional[float] = ..., half_life: _Optional[float] = ..., kappa_se: _Optional[float] = ..., theta_se: _Optional[float] = ..., sigma_se: _Optional[float] = ..., half_life_se: _Optional[float] = ..., loglik: _Optional[float] = ..., nobs: _Optional[int] = ..., dt: _Optional[float] = ..., ar_coef: _Optional[float] = ..., kappa_bc: _Optional[float] = ..., kappa_ci_low: _Optional[float] = ..., kappa_ci_high: _Optional[float] = ..., ci: _Optional[str] = ...) -> None: ...

class Thresholds(_message.Message):
    __slots__ = ("entry", "exit", "band", "entry_z", "expected_return_rate", "expected_cycle_time", "expected_return_per_trade", "cost", "cycle_time_variance", "return_variance_rate", "rf", "sharpe_ratio", "sharpe_band", "sharpe_entry", "sharpe_exit", "sharpe_entry_z", "sharpe_return_rate", "sharpe_return_variance_rate", "sharpe_cycle_time", "sharpe_ratio_max")
    ENTRY_FIELD_NUMBER: _ClassVar[int]
    EXIT_FIELD_NUMBER: _ClassVar[int]
    BAND_FIELD_NUMBER: _ClassVar[int]
    ENTRY_Z_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_RETURN_RATE_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_CYCLE_TIME_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_RETURN_PER_TRADE_FIELD_NUMBER: _ClassVar[int]
    COST_FIELD_NUMBER: _ClassVar[int]
    CYCLE_TIME_VARIANCE_FIELD_NUMBER: _ClassVar[int]
    RETURN_VARIANCE_RATE_FIELD_NUMBER: _ClassVar[int]
    RF_FIELD_NUMBER: _ClassVar[int]
    SHARPE_RATIO_FIELD_NUMBER: _ClassVar[int]
    SHARPE_BAND_FIELD_NUMBER: _ClassVar[int]
    SHARPE_ENTRY_FIELD_NUMBER: _ClassVar[int]
    SHARPE_EXIT_FIELD_NUMBER: _ClassVar[int]
    SHARPE_ENTRY_Z_FIELD_NUMBER: _ClassVar[int]
    SHARPE_RETURN_RATE_FIELD_NUMBER: _ClassVar[int]
    SHARPE_RETURN_VARIANCE_RATE_FIELD_NUMBER: _ClassVar[int]
    SHARPE_CYCLE_TIME_FIELD_NUMBER: _ClassVar[int]
    SHARPE_RATIO_MAX_FIELD_NUMBER: _ClassVar[int]
    entry: float
    exit: float
    band: float
    entry_z: float
    expected_return_rate: float
    expected_cycle_time: float
    expected_return_per_trade: float
    cost: float
    cycle_time_variance: float
    return_variance_rate: float
    rf: float
    sharpe_ratio: float
    sharpe_band: float
    sharpe_entry: float
    sharpe_exit: float
    sharpe_entry_z: float
    sharpe_return_rate: float
    sharpe_return_variance_rate: float
    sharpe_cycle_time: float
    sharpe_ratio_max: float
    def __init__(self, entry: _Optional[float] = ..., exit: _Optional[float] = ..., band: _Optional[float] = ..., entry_z: _Optional[float] = ..., expected_return_rate: _Optional[float] = ..., expected_cycle_time: _Optional[float] = ..., expected_return_per_trade: _Optional[float] = ..., cost: _Optional[float] = ..., cycle_time_variance: _Optional[float] = ..., return_variance_rate: _Optional[float] = ..., rf: _Optional[float] = ..., sharpe_ratio: _Optional[float] = ..., sharpe_band: _Optional[float] = ..., sharpe_entry: _Optional[float] = ..., sharpe_exit: _Optional[float] = ..., sharpe_entry_z: _Optional[float] = ..., sharpe_return_rate: _Optional[float] = ..., sharpe_return_variance_rate: _Optional[float] = ..., sharpe_cycle_time: _Optional[float] = ..., sharpe_ratio_max: _Optional[float] = ...) -> None: ...

class CARAPosition(_message.Message):
    __slots__ = ("position_double", "position_array", "myopic_position_double", "myopic_position_array", "hedging_position_double", "hedging_position_array", "certainty_equivalent_double", "certainty_equivalent_array", "horizon")
    POSITION_DOUBLE_FIELD_NUMBER: _ClassVar[int]
    POSITION_ARRAY_FIELD_NUMBER: _ClassVar[int]
    MYOPIC_POSITION_DOUBLE_FIELD_NUMBER: _ClassVar[int]
    MYOPIC_POSITION_ARRAY_FIELD_NUMBER: _ClassVar[int]
    HEDGING_POSITION_DOUBLE_FIELD_NUMBER: _ClassVar[int]
    HEDGING_POSITION_ARRAY_FIELD_NUMBER: _ClassVar[int]
    CERTAINTY_EQUIVALENT_DOUBLE_FIELD_NUMBER: _ClassVar[int]
    CERTAINTY_EQUIVALENT_ARRAY_FIELD_NUMBER: _ClassVar[int]
    HORIZON_FIELD_NUMBER: _ClassVar[int]
    position_double: float
    position_array: NDArray
    myopic_position_double: float
    myopic_position_array: NDArray
    hedging_position_double: float
    hedging_position_array: NDArray
    certainty_equivalent_double: float
    certainty_equivalent_array: NDArray
    horizon: float
    def __init__(self, position_double: _Optional[float] = ..., position_array: _Optional[_Union[NDArray, _Mapping]] = ..., myopic_position_double: _Optional[float] = ..., myopic_position_array: _Optional[_Union[NDArray, _Mapping]] = ..., hedging_position_double: _Optional[float] = ..., hedging_position_array: _Optional[_Union[NDArray, _Mapping]] = ..., certainty_equivalent_double: _Optional[float] = ..., certainty_equivalent_array: _Optional[_Union[NDArray, _Mapping]] = ..., horizon: _Optional[float] = ...) -> None: ...

class BacktestResult(_message.Message):
    __slots__ = ("equity", "positions", "shares_y", "shares_x", "zscore", "hedge_ratio", "costs", "traded", "returns", "trades", "metrics", "n_train", "borrow", "gross_exposure", "net_exposure", "negative_hedge", "exposure")
    EQUITY_FIELD_NUMBER: _ClassVar[int]
    POSITIONS_FIELD_NUMBER: _ClassVar[int]
    SHARES_Y_FIELD_NUMBER: _ClassVar[int]
    SHARES_X_FIELD_NUMBER: _ClassVar[int]
    ZSCORE_FIELD_NUMBER: _ClassVar[int]
    HEDGE_RATIO_FIELD_NUMBER: _ClassVar[int]
    COSTS_FIELD_NUMBER: _ClassVar[int]
    TRADED_FIELD_NUMBER: _ClassVar[int]
    RETURNS_FIELD_NUMBER: _ClassVar[int]
    TRADES_FIELD_NUMBER: _ClassVar[int]
    METRICS_FIELD_NUMBER: _ClassVar[int]
    N_TRAIN_FIELD_NUMBER: _ClassVar[int]
    BORROW_FIELD_NUMBER: _ClassVar[int]
    GROSS_EXPOSURE_FIELD_NUMBER: _ClassVar[int]
    NET_EXPOSURE_FIELD_NUMBER: _ClassVar[int]
    NEGATIVE_HEDGE_FIELD_NUMBER: _ClassVar[int]
    EXPOSURE_FIELD_NUMBER: _ClassVar[int]
    equity: NDArray
    positions: NDArray
    shares_y: NDArray
    shares_x: NDArray
    zscore: NDArray
    hedge_ratio: NDArray
    costs: NDArray
    traded: NDArray
    returns: NDArray
    trades: Trades
    metrics: BacktestMetrics
    n_train: int
    borrow: NDArray
    gross_exposure: NDArray
    net_exposure: NDArray
    negative_hedge: NDArray
    exposure: BacktestMetrics
    def __init__(self, equity: _Optional[_Union[NDArray, _Mapping]] = ..., positions: _Optional[_Union[NDArray, _Mapping]] = ..., shares_y: _Optional[_Union[NDArray, _Mapping]] = ..., shares_x: _Optional[_Union[NDArray, _Mapping]] = ..., zscore: _Optional[_Union[NDArray, _Mapping]] = ..., hedge_ratio: _Optional[_Union[NDArray, _Mapping]] = ..., costs: _Optional[_Union[NDArray, _Mapping]] = ..., traded: _Optional[_Union[NDArray, _Mapping]] = ..., returns: _Optional[_Union[NDArray, _Mapping]] = ..., trades: _Optional[_Union[Trades, _Mapping]] = ..., metrics: _Optional[_Union[BacktestMetrics, _Mapping]] = ..., n_train: _Optional[int] = ..., borrow: _Optional[_Union[NDArray, _Mapping]] = ..., gross_exposure: _Optional[_Union[NDArray, _Mapping]] = ..., net_exposure: _Optional[_Union[NDArray, _Mapping]] = ..., negative_hedge: _Optional[_Union[NDArray, _Mapping]] = ..., exposure: _Optional[_Union[BacktestMetrics, _Mapping]] = ...) -> None: ...

class Trades(_message.Message):
    __slots__ = ("entry", "exit", "direction", "pnl", "holding", "closed", "reason")
    ENTRY_FIELD_NUMBER: _ClassVar[int]
    EXIT_FIELD_NUMBER: _ClassVar[int]
    DIRECTION_FIELD_NUMBER: _ClassVar[int]
    PNL_FIELD_NUMBER: _ClassVar[int]
    HOLDING_FIELD_NUMBER: _ClassVar[int]
    CLOSED_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    entry: NDArray
    exit: NDArray
    direction: NDArray
    pnl: NDArray
    holding: NDArray
    closed: NDArray
    reason: NDArray
    def __init__(self, entry: _Optional[_Union[NDArray, _Mapping]] = ..., exit: _Optional[_Union[NDArray, _Mapping]] = ..., direction: _Optional[_Union[NDArray, _Mapping]] = ..., pnl: _Optional[_Union[NDArray, _Mapping]] = ..., holding: _Optional[_Union[NDArray, _Mapping]] = ..., closed: _Optional[_Union[NDArray, _Mapping]] = ..., reason: _Optional[_Union[NDArray, _Mapping]] = ...) -> None: ...

class BacktestMetrics(_message.Message):
    __slots__ = ("in_sample", "out_of_sample")
    IN_SAMPLE_FIELD_NUMBER: _ClassVar[int]
    OUT_OF_SAMPLE_FIELD_NUMBER: _ClassVar[int]
    in_sample: _containers.RepeatedCompositeFieldContainer[DoubleEntry]
    out_of_sample: _containers.RepeatedCompositeFieldContainer[DoubleEntry]
    def __init__(self, in_sample: _Optional[_Iterable[_Union[DoubleEntry, _Mapping]]] = ..., out_of_sample: _Optional[_Iterable[_Union[DoubleEntry, _Mapping]]] = ...) -> None: ...

class KalmanFit(_message.Message):
    __slots__ = ("q_alpha", "q_beta", "r", "loglik", "nobs", "at_bound")
    Q_ALPHA_FIELD_NUMBER: _ClassVar[int]
    Q_BETA_FIELD_NUMBER: _ClassVar[int]
    R_FIELD_NUMBER: _ClassVar[int]
    LOGLIK_FIELD_NUMBER: _ClassVar[int]
    NOBS_FIELD_NUMBER: _ClassVar[int]
    AT_BOUND_FIELD_NUMBER: _ClassVar[int]
    q_alpha: float
    q_beta: float
    r: float
    loglik: float
    nobs: int
    at_bound: bool
    def __init__(self, q_alpha: _Optional[float] = ..., q_beta: _Optional[float] = ..., r: _Optional[float] = ..., loglik: _Optional[float] = ..., nobs: _Optional[int] = ..., at_bound: _Optional[bool] = ...) -> None: ...

class SweepResult(_message.Message):
    __slots__ = ("lookbacks", "entry_zs", "values", "metric", "sample", "cell_sharpe", "cell_skew", "cell_kurtosis", "n_obs")
    LOOKBACKS_FIELD_NUMBER: _ClassVar[int]
    ENTRY_ZS_FIELD_NUMBER: _ClassVar[int]
    VALUES_FIELD_NUMBER: _ClassVar[int]
    METRIC_FIELD_NUMBER: _ClassVar[int]
    SAMPLE_FIELD_NUMBER: _ClassVar[int]
    CELL_SHARPE_FIELD_NUMBER: _ClassVar[int]
    CELL_SKEW_FIELD_NUMBER: _ClassVar[int]
    CELL_KURTOSIS_FIELD_NUMBER: _ClassVar[int]
    N_OBS_FIELD_NUMBER: _ClassVar[int]
    lookbacks: NDArray
    entry_zs: NDArray
    values: NDArray
    metric: str
    sample: str
    cell_sharpe: NDArray
    cell_skew: NDArray
    cell_kurtosis: NDArray
    n_obs: int
    def __init__(self, lookbacks: _Optional[_Union[NDArray, _Mapping]] = ..., entry_zs: _Optional[_Union[NDArray, _Mapping]] = ..., values: _Optional[_Union[NDArray, _Mapping]] = ..., metric: _Optional[str] = ..., sample: _Optional[str] = ..., cell_sharpe: _Optional[_Union[NDArray, _Mapping]] = ..., cell_skew: _Optional[_Union[NDArray, _Mapping]] = ..., cell_kurtosis: _Optional[_Union[NDArray, _Mapping]] = ..., n_obs: _Optional[int] = ...) -> None: ...

class HMMResult(_message.Message):
    __slots__ = ("means", "covars", "transmat", "startprob", "loglik", "converged", "filtered", "smoothed", "viterbi", "n_iter", "n_init", "bic", "mode", "walk_forward", "refit_rows")
    MEANS_FIELD_NUMBER: _ClassVar[int]
    COVARS_FIELD_NUMBER: _ClassVar[int]
    TRANSMAT_FIELD_NUMBER: _ClassVar[int]
    STARTPROB_FIELD_NUMBER: _ClassVar[int]
    LOGLIK_FIELD_NUMBER: _ClassVar[int]
    CONVERGED_FIELD_NUMBER: _ClassVar[int]
    FILTERED_FIELD_NUMBER: _ClassVar[int]
    SMOOTHED_FIELD_NUMBER: _ClassVar[int]
    VITERBI_FIELD_NUMBER: _ClassVar[int]
    N_ITER_FIELD_NUMBER: _ClassVar[int]
    N_INIT_FIELD_NUMBER: _ClassVar[int]
    BIC_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    WALK_FORWARD_FIELD_NUMBER: _ClassVar[int]
    REFIT_ROWS_FIELD_NUMBER: _ClassVar[int]
    means: NDArray
    covars: NDArray
    transmat: NDArray
    startprob: NDArray
    loglik: float
    converged: bool
    filtered: NDArray
    smoothed: NDArray
    viterbi: NDArray
    n_iter: int
    n_init: int
    bic: float
    mode: str
    walk_forward: NDArray
    refit_rows: NDArray
    def __init__(self, means: _Optional[_Union[NDArray, _Mapping]] = ..., covars: _Optional[_Union[NDArray, _Mapping]] = ..., transmat: _Optional[_Union[NDArray, _Mapping]] = ..., startprob: _Optional[_Union[NDArray, _Mapping]] = ..., loglik: _Optional[float] = ..., converged: _Optional[bool] = ..., filtered: _Optional[_Union[NDArray, _Mapping]] = ..., smoothed: _Optional[_Union[NDArray, _Mapping]] = ..., viterbi: _Optional[_Union[NDArray, _Mapping]] = ..., n_iter: _Optional[int] = ..., n_init: _Optional[int] = ..., bic: _Optional[float] = ..., mode: _Optional[str] = ..., walk_forward: _Optional[_Union[NDArray, _Mapping]] = ..., refit_rows: _Optional[_Union[NDArray, _Mapping]] = ...) -> None: ...

class PortfolioResult(_message.Message):
    __slots__ = ("weights", "expected_return", "volatility", "sharpe", "risk_contributions", "method", "assets")
    WEIGHTS_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_RETURN_FIELD_NUMBER: _ClassVar[int]
    VOLATILITY_FIELD_NUMBER: _ClassVar[int]
    SHARPE_FIELD_NUMBER: _ClassVar[int]
    RISK_CONTRIBUTIONS_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    ASSETS_FIELD_NUMBER: _ClassVar[int]
    weights: NDArray
    expected_return: float
    volatility: float
    sharpe: float
    risk_contributions: NDArray
    method: str
    assets: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, weights: _Optional[_Union[NDArray, _Mapping]] = ..., expected_return: _Optional[float] = ..., volatility: _Optional[float] = ..., sharpe: _Optional[float] = ..., risk_contributions: _Optional[_Union[NDArray, _Mapping]] = ..., method: _Optional[str] = ..., assets: _Optional[_Iterable[str]] = ...) -> None: ...

class Frontier(_message.Message):
    __slots__ = ("returns", "volatilities", "weights", "sharpe", "max_sharpe", "min_variance", "assets")
    RETURNS_FIELD_NUMBER: _ClassVar[int]
    VOLATILITIES_FIELD_NUMBER: _ClassVar[int]
    WEIGHTS_FIELD_NUMBER: _ClassVar[int]
    SHARPE_FIELD_NUMBER: _ClassVar[int]
    MAX_SHARPE_FIELD_NUMBER: _ClassVar[int]
    MIN_VARIANCE_FIELD_NUMBER: _ClassVar[int]
    ASSETS_FIELD_NUMBER: _ClassVar[int]
    returns: NDArray
    volatilities: NDArray
    weights: NDArray
    sharpe: NDArray
    max_sharpe: PortfolioResult
    min_variance: PortfolioResult
    assets: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, returns: _Optional[_Union[NDArray, _Mapping]] = ..., volatilities: _Optional[_Union[NDArray, _Mapping]] = ..., weights: _Optional[_Union[NDArray, _Mapping]] = ..., sharpe: _Optional[_Union[NDArray, _Mapping]] = ..., max_sharpe: _Optional[_Union[PortfolioResult, _Mapping]] = ..., min_variance: _Optional[_Union[PortfolioResult, _Mapping]] = ..., assets: _Optional[_Iterable[str]] = ...) -> None: ...

class SparsePortfolioResult(_message.Message):
    __slots__ = ("weights", "n_selected", "selected", "normalized_weights", "intercept", "penalty", "lam_max", "l1_ratio", "r2", "tracking_error", "gross_exposure", "method", "assets")
    WEIGHTS_FIELD_NUMBER: _ClassVar[int]
    N_SELECTED_FIELD_NUMBER: _ClassVar[int]
    SELECTED_FIELD_NUMBER: _ClassVar[int]
    NORMALIZED_WEIGHTS_FIELD_NUMBER: _ClassVar[int]
    INTERCEPT_FIELD_NUMBER: _ClassVar[int]
    PENALTY_FIELD_NUMBER: _ClassVar[int]
    LAM_MAX_FIELD_NUMBER: _ClassVar[int]
    L1_RATIO_FIELD_NUMBER: _ClassVar[int]
    R2_FIELD_NUMBER: _ClassVar[int]
    TRACKING_ERROR_FIELD_NUMBER: _ClassVar[int]
    GROSS_EXPOSURE_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    ASSETS_FIELD_NUMBER: _ClassVar[int]
    weights: NDArray
    n_selected: int
    selected: _containers.RepeatedScalarFieldContainer[str]
    normalized_weights: NDArray
    intercept: float
    penalty: float
    lam_max: float
    l1_ratio: float
    r2: float
    tracking_error: float
    gross_exposure: float
    method: str
    assets: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, weights: _Optional[_Union[NDArray, _Mapping]] = ..., n_selected: _Optional[int] = ..., selected: _Optional[_Iterable[str]] = ..., normalized_weights: _Optional[_Union[NDArray, _Mapping]] = ..., intercept: _Optional[float] = ..., penalty: _Optional[float] = ..., lam_max: _Optional[float] = ..., l1_ratio: _Optional[float] = ..., r2: _Optional[float] = ..., tracking_error: _Optional[float] = ..., gross_exposure: _Optional[float] = ..., method: _Optional[str] = ..., assets: _Optional[_Iterable[str]] = ...) -> None: ...

class MultiPeriodResult(_message.Message):
    __slots__ = ("weights", "initial", "aim", "turnover", "net_utility", "gross_utility", "cost", "myopic_weights", "myopic_turnover", "myopic_net_utility", "myopic_gross_utility", "myopic_cost", "trading_rates", "risk_aversion", "cost_bps", "assets")
    WEIGHTS_FIELD_NUMBER: _ClassVar[int]
    INITIAL_FIELD_NUMBER: _ClassVar[int]
    AIM_FIELD_NUMBER: _ClassVar[int]
    TURNOVER_FIELD_NUMBER: _ClassVar[int]
    NET_UTILITY_FIELD_NUMBER: _ClassVar[int]
    GROSS_UTILITY_FIELD_NUMBER: _ClassVar[int]
    COST_FIELD_NUMBER: _ClassVar[int]
    MYOPIC_WEIGHTS_FIELD_NUMBER: _ClassVar[int]
    MYOPIC_TURNOVER_FIELD_NUMBER: _ClassVar[int]
    MYOPIC_NET_UTILITY_FIELD_NUMBER: _ClassVar[int]
    MYOPIC_GROSS_UTILITY_FIELD_NUMBER: _ClassVar[int]
    MYOPIC_COST_FIELD_NUMBER: _ClassVar[int]
    TRADING_RATES_FIELD_NUMBER: _ClassVar[int]
    RISK_AVERSION_FIELD_NUMBER: _ClassVar[int]
    COST_BPS_FIELD_NUMBER: _ClassVar[int]
    ASSETS_FIELD_NUMBER: _ClassVar[int]
    weights: NDArray
    initial: NDArray
    aim: NDArray
    turnover: NDArray
    net_utility: float
    gross_utility: float
    cost: float
    myopic_weights: NDArray
    myopic_turnover: NDArray
    myopic_net_utility: float
    myopic_gross_utility: float
    myopic_cost: float
    trading_rates: NDArray
    risk_aversion: float
    cost_bps: float
    assets: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, weights: _Optional[_Union[NDArray, _Mapping]] = ..., initial: _Optional[_Union[NDArray, _Mapping]] = ..., aim: _Optional[_Union[NDArray, _Mapping]] = ..., turnover: _Optional[_Union[NDArray, _Mapping]] = ..., net_utility: _Optional[float] = ..., gross_utility: _Optional[float] = ..., cost: _Optional[float] = ..., myopic_weights: _Optional[_Union[NDArray, _Mapping]] = ..., myopic_turnover: _Optional[_Union[NDArray, _Mapping]] = ..., myopic_net_utility: _Optional[float] = ..., myopic_gross_utility: _Optional[float] = ..., myopic_cost: _Optional[float] = ..., trading_rates: _Optional[_Union[NDArray, _Mapping]] = ..., risk_aversion: _Optional[float] = ..., cost_bps: _Optional[float] = ..., assets: _Optional[_Iterable[str]] = ...) -> None: ...

class Greeks(_message.Message):
    __slots__ = ("delta", "gamma", "vega", "theta", "rho")
    DELTA_FIELD_NUMBER: _ClassVar[int]
    GAMMA_FIELD_NUMBER: _ClassVar[int]
    VEGA_FIELD_NUMBER: _ClassVar[int]
    THETA_FIELD_NUMBER: _ClassVar[int]
    RHO_FIELD_NUMBER: _ClassVar[int]
    delta: NDArray
    gamma: NDArray
    vega: NDArray
    theta: NDArray
    rho: NDArray
    def __init__(self, delta: _Optional[_Union[NDArray, _Mapping]] = ..., gamma: _Optional[_Union[NDArray, _Mapping]] = ..., vega: _Optional[_Union[NDArray, _Mapping]] = ..., theta: _Optional[_Union[NDArray, _Mapping]] = ..., rho: _Optional[_Union[NDArray, _Mapping]] = ...) -> None: ...

class ImpliedVol(_message.Message):
    __slots__ = ("vol", "code", "reasons")
    VOL_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    vol: NDArray
    code: NDArray
    reasons: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, vol: _Optional[_Union[NDArray, _Mapping]] = ..., code: _Optional[_Union[NDArray, _Mapping]] = ..., reasons: _Optional[_Iterable[str]] = ...) -> None: ...

class StrategyPayoff(_message.Message):
    __slots__ = ("spots", "payoff_at_expiry", "value_now", "pnl_at_expiry", "pnl_now", "delta_now", "gamma_now", "cost", "breakevens", "max_profit", "max_loss", "t", "horizon")
    SPOTS_FIELD_NUMBER: _ClassVar[int]
    PAYOFF_AT_EXPIRY_FIELD_NUMBER: _ClassVar[int]
    VALUE_NOW_FIELD_NUMBER: _ClassVar[int]
    PNL_AT_EXPIRY_FIELD_NUMBER: _ClassVar[int]
    PNL_NOW_FIELD_NUMBER: _ClassVar[int]
    DELTA_NOW_FIELD_NUMBER: _ClassVar[int]
    GAMMA_NOW_FIELD_NUMBER: _ClassVar[int]
    COST_FIELD_NUMBER: _ClassVar[int]
    BREAKEVENS_FIELD_NUMBER: _ClassVar[int]
    MAX_PROFIT_FIELD_NUMBER: _ClassVar[int]
    MAX_LOSS_FIELD_NUMBER: _ClassVar[int]
    T_FIELD_NUMBER: _ClassVar[int]
    HORIZON_FIELD_NUMBER: _ClassVar[int]
    spots: NDArray
    payoff_at_expiry: NDArray
    value_now: NDArray
    pnl_at_expiry: NDArray
    pnl_now: NDArray
    delta_now: NDArray
    gamma_now: NDArray
    cost: float
    breakevens: NDArray
    max_profit: float
    max_loss: float
    t: float
    horizon: float
    def __init__(self, spots: _Optional[_Union[NDArray, _Mapping]] = ..., payoff_at_expiry: _Optional[_Union[NDArray, _Mapping]] = ..., value_now: _Optional[_Union[NDArray, _Mapping]] = ..., pnl_at_expiry: _Optional[_Union[NDArray, _Mapping]] = ..., pnl_now: _Optional[_Union[NDArray, _Mapping]] = ..., delta_now: _Optional[_Union[NDArray, _Mapping]] = ..., gamma_now: _Optional[_Union[NDArray, _Mapping]] = ..., cost: _Optional[float] = ..., breakevens: _Optional[_Union[NDArray, _Mapping]] = ..., max_profit: _Optional[float] = ..., max_loss: _Optional[float] = ..., t: _Optional[float] = ..., horizon: _Optional[float] = ...) -> None: ...

class LOBMetrics(_message.Message):
    __slots__ = ("seq", "best_bid", "best_ask", "mid", "spread", "spread_bps", "microprice", "imbalance", "bid_qty_within_bps", "ask_qty_within_bps", "buy_vwap", "sell_vwap", "buy_cost_bps", "sell_cost_bps", "buy_filled", "sell_filled", "depth", "order_size", "depth_bps")
    SEQ_FIELD_NUMBER: _ClassVar[int]
    BEST_BID_FIELD_NUMBER: _ClassVar[int]
    BEST_ASK_FIELD_NUMBER: _ClassVar[int]
    MID_FIELD_NUMBER: _ClassVar[int]
    SPREAD_FIELD_NUMBER: _ClassVar[int]
    SPREAD_BPS_FIELD_NUMBER: _ClassVar[int]
    MICROPRICE_FIELD_NUMBER: _ClassVar[int]
    IMBALANCE_FIELD_NUMBER: _ClassVar[int]
    BID_QTY_WITHIN_BPS_FIELD_NUMBER: _ClassVar[int]
    ASK_QTY_WITHIN_BPS_FIELD_NUMBER: _ClassVar[int]
    BUY_VWAP_FIELD_NUMBER: _ClassVar[int]
    SELL_VWAP_FIELD_NUMBER: _ClassVar[int]
    BUY_COST_BPS_FIELD_NUMBER: _ClassVar[int]
    SELL_COST_BPS_FIELD_NUMBER: _ClassVar[int]
    BUY_FILLED_FIELD_NUMBER: _ClassVar[int]
    SELL_FILLED_FIELD_NUMBER: _ClassVar[int]
    DEPTH_FIELD_NUMBER: _ClassVar[int]
    ORDER_SIZE_FIELD_NUMBER: _ClassVar[int]
    DEPTH_BPS_FIELD_NUMBER: _ClassVar[int]
    seq: int
    best_bid: float
    best_ask: float
    mid: float
    spread: float
    spread_bps: float
    microprice: float
    imbalance: float
    bid_qty_within_bps: float
    ask_qty_within_bps: float
    buy_vwap: float
    sell_vwap: float
    buy_cost_bps: float
    sell_cost_bps: float
    buy_filled: float
    sell_filled: float
    depth: int
    order_size: float
    depth_bps: float
    def __init__(self, seq: _Optional[int] = ..., best_bid: _Optional[float] = ..., best_ask: _Optional[float] = ..., mid: _Optional[float] = ..., spread: _Optional[float] = ..., spread_bps: _Optional[float] = ..., microprice: _Optional[float] = ..., imbalance: _Optional[float] = ..., bid_qty_within_bps: _Optional[float] = ..., ask_qty_within_bps: _Optional[float] = ..., buy_vwap: _Optional[float] = ..., sell_vwap: _Optional[float] = ..., buy_cost_bps: _Optional[float] = ..., sell_cost_bps: _Optional[float] = ..., buy_filled: _Optional[float] = ..., sell_filled: _Optional[float] = ..., depth: _Optional[int] = ..., order_size: _Optional[float] = ..., depth_bps: _Optional[float] = ...) -> None: ...

class LOBEvents(_message.Message):
    __slots__ = ("seq", "time", "kind", "side", "price", "qty")
    SEQ_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    SIDE_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    QTY_FIELD_NUMBER: _ClassVar[int]
    seq: NDArray
    time: NDArray
    kind: NDArray
    side: NDArray
    price: NDArray
    qty: NDArray
    def __init__(self, seq: _Optional[_Union[NDArray, _Mapping]] = ..., time: _Optional[_Union[NDArray, _Mapping]] = ..., kind: _Optional[_Union[NDArray, _Mapping]] = ..., side: _Optional[_Union[NDArray, _Mapping]] = ..., price: _Optional[_Union[NDArray, _Mapping]] = ..., qty: _Optional[_Union[NDArray, _Mapping]] = ...) -> None: ...

class ReplayResult(_message.Message):
    __slots__ = ("index", "seq", "time", "synced", "best_bid", "best_ask", "mid", "spread_bps", "microprice", "imbalance", "n_events", "n_applied", "n_skipped", "n_snapshots", "n_gaps", "gap_index", "gap_expected", "gap_got", "final", "depth", "every")
    INDEX_FIELD_NUMBER: _ClassVar[int]
    SEQ_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    SYNCED_FIELD_NUMBER: _ClassVar[int]
    BEST_BID_FIELD_NUMBER: _ClassVar[int]
    BEST_ASK_FIELD_NUMBER: _ClassVar[int]
    MID_FIELD_NUMBER: _ClassVar[int]
    SPREAD_BPS_FIELD_NUMBER: _ClassVar[int]
    MICROPRICE_FIELD_NUMBER: _ClassVar[int]
    IMBALANCE_FIELD_NUMBER: _ClassVar[int]
    N_EVENTS_FIELD_NUMBER: _ClassVar[int]
    N_APPLIED_FIELD_NUMBER: _ClassVar[int]
    N_SKIPPED_FIELD_NUMBER: _ClassVar[int]
    N_SNAPSHOTS_FIELD_NUMBER: _ClassVar[int]
    N_GAPS_FIELD_NUMBER: _ClassVar[int]
    GAP_INDEX_FIELD_NUMBER: _ClassVar[int]
    GAP_EXPECTED_FIELD_NUMBER: _ClassVar[int]
    GAP_GOT_FIELD_NUMBER: _ClassVar[int]
    FINAL_FIELD_NUMBER: _ClassVar[int]
    DEPTH_FIELD_NUMBER: _ClassVar[int]
    EVERY_FIELD_NUMBER: _ClassVar[int]
    index: NDArray
    seq: NDArray
    time: NDArray
    synced: NDArray
    best_bid: NDArray
    best_ask: NDArray
    mid: NDArray
    spread_bps: NDArray
    microprice: NDArray
    imbalance: NDArray
    n_events: int
    n_applied: int
    n_skipped: int
    n_snapshots: int
    n_gaps: int
    gap_index: NDArray
    gap_expected: NDArray
    gap_got: NDArray
    final: BookSnapshot
    depth: int
    every: int
    def __init__(self, index: _Optional[_Union[NDArray, _Mapping]] = ..., seq: _Optional[_Union[NDArray, _Mapping]] = ..., time: _Optional[_Union[NDArray, _Mapping]] = ..., synced: _Optional[_Union[NDArray, _Mapping]] = ..., best_bid: _Optional[_Union[NDArray, _Mapping]] = ..., best_ask: _Optional[_Union[NDArray, _Mapping]] = ..., mid: _Optional[_Union[NDArray, _Mapping]] = ..., spread_bps: _Optional[_Union[NDArray, _Mapping]] = ..., microprice: _Optional[_Union[NDArray, _Mapping]] = ..., imbalance: _Optional[_Union[NDArray, _Mapping]] = ..., n_events: _Optional[int] = ..., n_applied: _Optional[int] = ..., n_skipped: _Optional[int] = ..., n_snapshots: _Optional[int] = ..., n_gaps: _Optional[int] = ..., gap_index: _Optional[_Union[NDArray, _Mapping]] = ..., gap_expected: _Optional[_Union[NDArray, _Mapping]] = ..., gap_got: _Optional[_Union[NDArray, _Mapping]] = ..., final: _Optional[_Union[BookSnapshot, _Mapping]] = ..., depth: _Optional[int] = ..., every: _Optional[int] = ...) -> None: ...

class BookSnapshot(_message.Message):
    __slots__ = ("seq", "bid_price", "bid_qty", "ask_price", "ask_qty")
    SEQ_FIELD_NUMBER: _ClassVar[int]
    BID_PRICE_FIELD_NUMBER: _ClassVar[int]
    BID_QTY_FIELD_NUMBER: _ClassVar[int]
    ASK_PRICE_FIELD_NUMBER: _ClassVar[int]
    ASK_QTY_FIELD_NUMBER: _ClassVar[int]
    seq: int
    bid_price: NDArray
    bid_qty: NDArray
    ask_price: NDArray
    ask_qty: NDArray
    def __init__(self, seq: _Optional[int] = ..., bid_price: _Optional[_Union[NDArray, _Mapping]] = ..., bid_qty: _Optional[_Union[NDArray, _Mapping]] = ..., ask_price: _Optional[_Union[NDArray, _Mapping]] = ..., ask_qty: _Optional[_Union[NDArray, _Mapping]] = ...) -> None: ...

class PBOResult(_message.Message):
    __slots__ = ("pbo", "logits", "relative_rank", "selected", "sharpe_in", "sharpe_out", "n_splits")
    PBO_FIELD_NUMBER: _ClassVar[int]
    LOGITS_FIELD_NUMBER: _ClassVar[int]
    RELATIVE_RANK_FIELD_NUMBER: _ClassVar[int]
    SELECTED_FIELD_NUMBER: _ClassVar[int]
    SHARPE_IN_FIELD_NUMBER: _ClassVar[int]
    SHARPE_OUT_FIELD_NUMBER: _ClassVar[int]
    N_SPLITS_FIELD_NUMBER: _ClassVar[int]
    pbo: float
    logits: NDArray
    relative_rank: NDArray
    selected: NDArray
    sharpe_in: NDArray
    sharpe_out: NDArray
    n_splits: int
    def __init__(self, pbo: _Optional[float] = ..., logits: _Optional[_Union[NDArray, _Mapping]] = ..., relative_rank: _Optional[_Union[NDArray, _Mapping]] = ..., selected: _Optional[_Union[NDArray, _Mapping]] = ..., sharpe_in: _Optional[_Union[NDArray, _Mapping]] = ..., sharpe_out: _Optional[_Union[NDArray, _Mapping]] = ..., n_splits: _Optional[int] = ...) -> None: ...

class WalkForwardResult(_message.Message):
    __slots__ = ("rows", "returns", "equity", "positions", "zscore", "hedge_ratio", "fold", "train_start", "test_start", "test_stop", "lookback", "entry_z", "train_metric", "fold_hedge", "trial_returns", "metrics", "metric", "anchored")
    ROWS_FIELD_NUMBER: _ClassVar[int]
    RETURNS_FIELD_NUMBER: _ClassVar[int]
    EQUITY_FIELD_NUMBER: _ClassVar[int]
    POSITIONS_FIELD_NUMBER: _ClassVar[int]
    ZSCORE_FIELD_NUMBER: _ClassVar[int]
    HEDGE_RATIO_FIELD_NUMBER: _ClassVar[int]
    FOLD_FIELD_NUMBER: _ClassVar[int]
    TRAIN_START_FIELD_NUMBER: _ClassVar[int]
    TEST_START_FIELD_NUMBER: _ClassVar[int]
    TEST_STOP_FIELD_NUMBER: _ClassVar[int]
    LOOKBACK_FIELD_NUMBER: _ClassVar[int]
    ENTRY_Z_FIELD_NUMBER: _ClassVar[int]
    TRAIN_METRIC_FIELD_NUMBER: _ClassVar[int]
    FOLD_HEDGE_FIELD_NUMBER: _ClassVar[int]
    TRIAL_RETURNS_FIELD_NUMBER: _ClassVar[int]
    METRICS_FIELD_NUMBER: _ClassVar[int]
    METRIC_FIELD_NUMBER: _ClassVar[int]
    ANCHORED_FIELD_NUMBER: _ClassVar[int]
    rows: NDArray
    returns: NDArray
    equity: NDArray
    positions: NDArray
    zscore: NDArray
    hedge_ratio: NDArray
    fold: NDArray
    train_start: NDArray
    test_start: NDArray
    test_stop: NDArray
    lookback: NDArray
    entry_z: NDArray
    train_metric: NDArray
    fold_hedge: NDArray
    trial_returns: NDArray
    metrics: _containers.RepeatedCompositeFieldContainer[DoubleEntry]
    metric: str
    anchored: bool
    def __init__(self, rows: _Optional[_Union[NDArray, _Mapping]] = ..., returns: _Optional[_Union[NDArray, _Mapping]] = ..., equity: _Optional[_Union[NDArray, _Mapping]] = ..., positions: _Optional[_Union[NDArray, _Mapping]] = ..., zscore: _Optional[_Union[NDArray, _Mapping]] = ..., hedge_ratio: _Optional[_Union[NDArray, _Mapping]] = ..., fold: _Optional[_Union[NDArray, _Mapping]] = ..., train_start: _Optional[_Union[NDArray, _Mapping]] = ..., test_start: _Optional[_Union[NDArray, _Mapping]] = ..., test_stop: _Optional[_Union[NDArray, _Mapping]] = ..., lookback: _Optional[_Union[NDArray, _Mapping]] = ..., entry_z: _Optional[_Union[NDArray, _Mapping]] = ..., train_metric: _Optional[_Union[NDArray, _Mapping]] = ..., fold_hedge: _Optional[_Union[NDArray, _Mapping]] = ..., trial_returns: _Optional[_Union[NDArray, _Mapping]] = ..., metrics: _Optional[_Iterable[_Union[DoubleEntry, _Mapping]]] = ..., metric: _Optional[str] = ..., anchored: _Optional[bool] = ...) -> None: ...

class BatchBacktestResult(_message.Message):
    __slots__ = ("equity", "n_trades", "in_sample", "out_of_sample", "n_train", "metric_names")
    EQUITY_FIELD_NUMBER: _ClassVar[int]
    N_TRADES_FIELD_NUMBER: _ClassVar[int]
    IN_SAMPLE_FIELD_NUMBER: _ClassVar[int]
    OUT_OF_SAMPLE_FIELD_NUMBER: _ClassVar[int]
    N_TRAIN_FIELD_NUMBER: _ClassVar[int]
    METRIC_NAMES_FIELD_NUMBER: _ClassVar[int]
    equity: NDArray
    n_trades: NDArray
    in_sample: NDArray
    out_of_sample: NDArray
    n_train: NDArray
    metric_names: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, equity: _Optional[_Union[NDArray, _Mapping]] = ..., n_trades: _Optional[_Union[NDArray, _Mapping]] = ..., in_sample: _Optional[_Union[NDArray, _Mapping]] = ..., out_of_sample: _Optional[_Union[NDArray, _Mapping]] = ..., n_train: _Optional[_Union[NDArray, _Mapping]] = ..., metric_names: _Optional[_Iterable[str]] = ...) -> None: ...

class PairParams(_message.Message):
    __slots__ = ("lookback", "entry_z", "exit_z", "stop_z", "cost_bps", "hedge", "train_fraction", "fill", "capital", "borrow_bps_per_year", "negative_hedge", "kalman_q_alpha", "kalman_q_beta", "kalman_r", "sizing", "rebalance_every", "rebalance_threshold", "vol_target", "vol_window", "leverage_cap", "band_units", "spread_beta", "spread_mean")
    LOOKBACK_FIELD_NUMBER: _ClassVar[int]
    ENTRY_Z_FIELD_NUMBER: _ClassVar[int]
    EXIT_Z_FIELD_NUMBER: _ClassVar[int]
    STOP_Z_FIELD_NUMBER: _ClassVar[int]
    COST_BPS_FIELD_NUMBER: _ClassVar[int]
    HEDGE_FIELD_NUMBER: _ClassVar[int]
    TRAIN_FRACTION_FIELD_NUMBER: _ClassVar[int]
    FILL_FIELD_NUMBER: _ClassVar[int]
    CAPITAL_FIELD_NUMBER: _ClassVar[int]
    BORROW_BPS_PER_YEAR_FIELD_NUMBER: _ClassVar[int]
    NEGATIVE_HEDGE_FIELD_NUMBER: _ClassVar[int]
    KALMAN_Q_ALPHA_FIELD_NUMBER: _ClassVar[int]
    KALMAN_Q_BETA_FIELD_NUMBER: _ClassVar[int]
    KALMAN_R_FIELD_NUMBER: _ClassVar[int]
    SIZING_FIELD_NUMBER: _ClassVar[int]
    REBALANCE_EVERY_FIELD_NUMBER: _ClassVar[int]
    REBALANCE_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    VOL_TARGET_FIELD_NUMBER: _ClassVar[int]
    VOL_WINDOW_FIELD_NUMBER: _ClassVar[int]
    LEVERAGE_CAP_FIELD_NUMBER: _ClassVar[int]
    BAND_UNITS_FIELD_NUMBER: _ClassVar[int]
    SPREAD_BETA_FIELD_NUMBER: _ClassVar[int]
    SPREAD_MEAN_FIELD_NUMBER: _ClassVar[int]
    lookback: int
    entry_z: float
    exit_z: float
    stop_z: float
    cost_bps: float
    hedge: str
    train_fraction: float
    fill: str
    capital: str
    borrow_bps_per_year: float
    negative_hedge: str
    kalman_q_alpha: float
    kalman_q_beta: float
    kalman_r: float
    sizing: str
    rebalance_every: int
    rebalance_threshold: float
    vol_target: float
    vol_window: int
    leverage_cap: float
    band_units: str
    spread_beta: float
    spread_mean: float
    def __init__(self, lookback: _Optional[int] = ..., entry_z: _Optional[float] = ..., exit_z: _Optional[float] = ..., stop_z: _Optional[float] = ..., cost_bps: _Optional[float] = ..., hedge: _Optional[str] = ..., train_fraction: _Optional[float] = ..., fill: _Optional[str] = ..., capital: _Optional[str] = ..., borrow_bps_per_year: _Optional[float] = ..., negative_hedge: _Optional[str] = ..., kalman_q_alpha: _Optional[float] = ..., kalman_q_beta: _Optional[float] = ..., kalman_r: _Optional[float] = ..., sizing: _Optional[str] = ..., rebalance_every: _Optional[int] = ..., rebalance_threshold: _Optional[float] = ..., vol_target: _Optional[float] = ..., vol_window: _Optional[int] = ..., leverage_cap: _Optional[float] = ..., band_units: _Optional[str] = ..., spread_beta: _Optional[float] = ..., spread_mean: _Optional[float] = ...) -> None: ...

class OptionStrategy(_message.Message):
    __slots__ = ("kinds", "strikes", "quantities", "expiries", "premiums", "vols", "rate", "dividend", "name")
    KINDS_FIELD_NUMBER: _ClassVar[int]
    STRIKES_FIELD_NUMBER: _ClassVar[int]
    QUANTITIES_FIELD_NUMBER: _ClassVar[int]
    EXPIRIES_FIELD_NUMBER: _ClassVar[int]
    PREMIUMS_FIELD_NUMBER: _ClassVar[int]
    VOLS_FIELD_NUMBER: _ClassVar[int]
    RATE_FIELD_NUMBER: _ClassVar[int]
    DIVIDEND_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    kinds: _containers.RepeatedScalarFieldContainer[str]
    strikes: NDArray
    quantities: NDArray
    expiries: NDArray
    premiums: NDArray
    vols: NDArray
    rate: float
    dividend: float
    name: str
    def __init__(self, kinds: _Optional[_Iterable[str]] = ..., strikes: _Optional[_Union[NDArray, _Mapping]] = ..., quantities: _Optional[_Union[NDArray, _Mapping]] = ..., expiries: _Optional[_Union[NDArray, _Mapping]] = ..., premiums: _Optional[_Union[NDArray, _Mapping]] = ..., vols: _Optional[_Union[NDArray, _Mapping]] = ..., rate: _Optional[float] = ..., dividend: _Optional[float] = ..., name: _Optional[str] = ...) -> None: ...

class HMMParams(_message.Message):
    __slots__ = ("startprob", "transmat", "means", "covars")
    STARTPROB_FIELD_NUMBER: _ClassVar[int]
    TRANSMAT_FIELD_NUMBER: _ClassVar[int]
    MEANS_FIELD_NUMBER: _ClassVar[int]
    COVARS_FIELD_NUMBER: _ClassVar[int]
    startprob: NDArray
    transmat: NDArray
    means: NDArray
    covars: NDArray
    def __init__(self, startprob: _Optional[_Union[NDArray, _Mapping]] = ..., transmat: _Optional[_Union[NDArray, _Mapping]] = ..., means: _Optional[_Union[NDArray, _Mapping]] = ..., covars: _Optional[_Union[NDArray, _Mapping]] = ...) -> None: ...

class DoubleEntry(_message.Message):
    __slots__ = ("key", "value")
    KEY_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    key: str
    value: float
    def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
