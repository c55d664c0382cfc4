use super::*;

#[test]
fn python_tags_read_back_as_they_print() {
    for text in ["3.11", "3.13t", "3.13t-gil", "3.14t-gil", "3.100"] {
        let tag: PythonTag = text.parse().expect(text);
        assert_eq!(tag.to_string(), text);
        let runtime: Runtime = format!("cpython-{text}").parse().expect(text);
        assert_eq!(runtime, Runtime::CpythonAt(tag));
    }
    for bad in ["3.", "3.t", "3.13-gil", "3.13x", "3.13tt", "4.13", "3.13t-gil-gil", "3.-1"] {
        assert!(bad.parse::<PythonTag>().is_err(), "{bad}");
    }
}

#[test]
fn start_methods_are_part_of_the_process_pools_label() {
    for method in StartMethod::VARIANTS.iter().copied() {
        let executor = method.executor();
        let label = format!("processes-{method}");
        assert_eq!(executor.name(), label);
        assert_eq!(label.parse::<ExecutorKind>(), Ok(executor));
        let json = serde_json::to_string(&executor).expect("json");
        assert_eq!(json, format!("\"{label}\""));
        assert_eq!(serde_json::from_str::<ExecutorKind>(&json).expect("back"), executor);
        assert!(executor.is_process_pool() && executor.start_method() == Some(method));
        assert_eq!(method.to_string().parse::<StartMethod>(), Ok(method));
    }
    assert!(ExecutorKind::Processes.is_process_pool());
    assert_eq!(ExecutorKind::Processes.start_method(), None);
    assert!(!ExecutorKind::Threads.is_process_pool());
    let error = "vfork".parse::<StartMethod>().expect_err("unknown");
    assert!(error.contains("fork, forkserver or spawn"), "{error}");
}

#[test]
fn the_forced_arm_has_a_gil_and_is_a_free_threaded_build() {
    let forced = Runtime::CpythonAt(PythonTag::free(13).with_gil_forced());
    assert!(forced.has_gil() && !forced.is_free_threaded() && forced.is_free_threaded_build());
    let free = Runtime::CpythonAt(PythonTag::free(13));
    assert!(!free.has_gil() && free.is_free_threaded() && free.is_free_threaded_build());
    let gil = Runtime::CpythonAt(PythonTag::gil(13));
    assert!(gil.has_gil() && !gil.is_free_threaded_build());
    assert_eq!(forced.python_tag().map(PythonTag::build), free.python_tag());
}
