//! Bounds a SmartModule before the engine compiles it.
//!
//! The official engine (`fluvio-smartengine` 0.50, the real SPU's) leaves
//! two holes a hostile module walks through:
//! - every call gets `i64::MAX / 2` fuel, so a loop never ends: its thread
//!   spins until the process exits;
//! - it copies each call's input to whatever address the module's `alloc`
//!   returns, with a raw pointer and no bounds check: a bad address writes
//!   outside the sandbox, and the process dies of SIGSEGV (or worse).
//!
//! [`guard`] rewrites the module so that it stops itself instead:
//! - a fuel counter (a new mutable `i64` global) is charged one unit at the
//!   entry of every function and on every iteration of every loop, and the
//!   module traps in [`FUEL_TRAP`] when it is spent. Each exported function
//!   is replaced by a wrapper that refills it, so every call the engine
//!   makes (`alloc`, `init`, `look_back`, the transform) gets the budget;
//! - the `alloc` wrapper traps in [`ALLOC_TRAP`] unless the address and
//!   length it returns lie inside the exported memory;
//! - calls to the `copy_records` import go through a check that traps in
//!   [`OUTPUT_TRAP`] unless the output lies inside the memory.
//!
//! Nothing else changes: no index moves (every new type, global and
//! function comes after the module's own), so a module that stays within
//! its bounds computes exactly what it computed before. The trap
//! functions are named in the name section so a trap can be told apart
//! from the module's own by the frame it happened in.

use wasm_encoder::reencode::{utils, Error as ReencodeError, Reencode};
use wasm_encoder::{BlockType, ConstExpr, Function, GlobalType, Instruction, NameMap, NameSection, ValType};
use wasmparser::{CompositeInnerType, ExternalKind, FuncType, MemoryType, Name, Parser, Payload, TypeRef};

/// The function a module traps in when a call has spent its fuel.
pub const FUEL_TRAP: &str = "fluvio_guard_fuel_exhausted";
/// The function a module traps in when its `alloc` returned an address the
/// input does not fit at.
pub const ALLOC_TRAP: &str = "fluvio_guard_alloc_out_of_bounds";
/// The function a module traps in when it hands `copy_records` an output
/// outside its memory.
pub const OUTPUT_TRAP: &str = "fluvio_guard_output_out_of_bounds";

/// What the engine looks up in a module (`fluvio-smartengine`'s names).
const MEMORY_EXPORT: &str = "memory";
const ALLOC_EXPORT: &str = "alloc";
const OUTPUT_IMPORT: &str = "copy_records";

/// `module` with its calls bounded by `fuel` units each (see the module
/// documentation). A module without the parts the engine needs (types,
/// functions, exports, code) comes back unchanged: the engine refuses it
/// with its own message. A module that does not parse is refused here.
pub fn guard(module: &[u8], fuel: u64) -> Result<Vec<u8>, String> {
    let shape = Shape::read(module).map_err(|e| format!("the module is not valid WebAssembly: {e}"))?;
    if !shape.has_all_sections {
        return Ok(module.to_vec());
    }
    let mut rewriter = Rewriter::new(shape, fuel.min(i64::MAX as u64) as i64);
    let mut out = wasm_encoder::Module::new();
    rewriter
        .parse_core_module(&mut out, Parser::new(0), module)
        .map_err(|e| format!("the module is not valid WebAssembly: {e}"))?;
    if !rewriter.names_written {
        let mut names = NameSection::new();
        names.functions(&rewriter.guard_names(NameMap::new()));
        out.section(&names);
    }
    Ok(out.finish())
}

/// What the rewrite needs to know of a module before it writes a byte.
#[derive(Default)]
struct Shape {
    /// Function types by type index (`None`: a non-function type).
    types: Vec<Option<FuncType>>,
    /// The type index of every function, imported ones first.
    function_types: Vec<u32>,
    imported_functions: u32,
    globals: u32,
    /// Memory types, imported ones first.
    memories: Vec<MemoryType>,
    /// Exported functions: name and function index.
    exported_functions: Vec<(String, u32)>,
    memory_export: Option<u32>,
    output_import: Option<u32>,
    has_global_section: bool,
    has_all_sections: bool,
}

impl Shape {
    fn read(module: &[u8]) -> wasmparser::Result<Shape> {
        let mut shape = Shape::default();
        let (mut types, mut functions, mut exports, mut code) = (false, false, false, false);
        for payload in Parser::new(0).parse_all(module) {
            match payload? {
                Payload::TypeSection(section) => {
                    types = true;
                    for group in section {
                        for sub in group?.into_types() {
                            shape.types.push(match &sub.composite_type.inner {
                                CompositeInnerType::Func(f) => Some(f.clone()),
                                _ => None,
                            });
                        }
                    }
                }
                Payload::ImportSection(section) => {
                    for import in section {
                        let import = import?;
                        match import.ty {
                            TypeRef::Func(ty) => {
                                if import.name == OUTPUT_IMPORT && shape.output_import.is_none() {
                                    shape.output_import = Some(shape.imported_functions);
                                }
                                shape.function_types.push(ty);
                                shape.imported_functions += 1;
                            }
                            TypeRef::Global(_) => shape.globals += 1,
                            TypeRef::Memory(memory) => shape.memories.push(memory),
                            _ => {}
                        }
                    }
                }
                Payload::FunctionSection(section) => {
                    functions = true;
                    for ty in section {
                        shape.function_types.push(ty?);
                    }
                }
                Payload::MemorySection(section) => {
                    for memory in section {
                        shape.memories.push(memory?);
                    }
                }
                Payload::GlobalSection(section) => {
                    shape.has_global_section = true;
                    shape.globals += section.count();
                }
                Payload::ExportSection(section) => {
                    exports = true;
                    for export in section {
                        let export = export?;
                        match export.kind {
                            ExternalKind::Func => shape.exported_functions.push((export.name.to_string(), export.index)),
                            ExternalKind::Memory if export.name == MEMORY_EXPORT => shape.memory_export = Some(export.index),
                            _ => {}
                        }
                    }
                }
                Payload::CodeSectionStart { .. } => code = true,
                _ => {}
            }
        }
        shape.has_all_sections = types && functions && exports && code;
        Ok(shape)
    }

    fn func_type(&self, function: u32) -> Option<&FuncType> {
        let ty = *self.function_types.get(function as usize)?;
        self.types.get(ty as usize)?.as_ref()
    }

    fn has_signature(&self, function: u32, params: &[wasmparser::ValType], results: &[wasmparser::ValType]) -> bool {
        self.func_type(function).is_some_and(|f| f.params() == params && f.results() == results)
    }
}

/// One function the rewrite adds, in the order they are appended.
enum Added {
    /// `unreachable`, named for the reason.
    Trap(&'static str),
    /// Checks `copy_records(ptr, len)` and calls the import.
    OutputCheck,
    /// Refills the fuel and calls the exported function; for `alloc`, also
    /// checks what it returned.
    Wrapper { wrapped: u32, checks_alloc: bool },
}

struct Rewriter {
    shape: Shape,
    fuel: i64,
    fuel_global: u32,
    added: Vec<(u32, Added)>,
    /// `copy_records`' import index and the check that replaces it in calls
    /// (looked up for every call instruction: found once).
    output_redirect: Option<(u32, u32)>,
    names_written: bool,
}

impl Rewriter {
    fn new(shape: Shape, fuel: i64) -> Rewriter {
        // The `() -> ()` type of the traps, appended to the types.
        let trap_type = shape.types.len() as u32;
        let fuel_global = shape.globals;
        let mut added: Vec<(u32, Added)> = Vec::new();
        for name in [FUEL_TRAP, ALLOC_TRAP, OUTPUT_TRAP] {
            added.push((trap_type, Added::Trap(name)));
        }
        use wasmparser::ValType::I32;
        let memory = shape.memory_export;
        if let (Some(import), Some(_)) = (shape.output_import, memory) {
            if shape.has_signature(import, &[I32, I32], &[]) {
                added.push((shape.function_types[import as usize], Added::OutputCheck));
            }
        }
        for (name, function) in &shape.exported_functions {
            let Some(&ty) = shape.function_types.get(*function as usize) else { continue };
            if shape.func_type(*function).is_none() {
                continue;
            }
            let checks_alloc = name == ALLOC_EXPORT && memory.is_some() && shape.has_signature(*function, &[I32], &[I32]);
            added.push((ty, Added::Wrapper { wrapped: *function, checks_alloc }));
        }
        let mut rewriter = Rewriter { shape, fuel, fuel_global, added, output_redirect: None, names_written: false };
        let check = rewriter.added.iter().position(|(_, a)| matches!(a, Added::OutputCheck)).map(|n| rewriter.added_index(n));
        rewriter.output_redirect = rewriter.shape.output_import.zip(check);
        rewriter
    }

    /// The function index of the `n`th added function.
    fn added_index(&self, n: usize) -> u32 {
        self.shape.function_types.len() as u32 + n as u32
    }

    fn trap_index(&self, name: &str) -> u32 {
        let n = self.added.iter().position(|(_, a)| matches!(a, Added::Trap(t) if *t == name)).expect("every trap is added");
        self.added_index(n)
    }

    fn wrapper_index(&self, function: u32) -> Option<u32> {
        self.added
            .iter()
            .position(|(_, a)| matches!(a, Added::Wrapper { wrapped, .. } if *wrapped == function))
            .map(|n| self.added_index(n))
    }

    /// `names` with the traps' names appended (their indices are the
    /// largest, so the map stays sorted).
    fn guard_names(&self, mut names: NameMap) -> NameMap {
        for (n, (_, added)) in self.added.iter().enumerate() {
            if let Added::Trap(name) = added {
                names.append(self.added_index(n), name);
            }
        }
        names
    }

    /// Spends one unit of fuel, trapping when none is left.
    fn charge(&self, f: &mut Function) {
        f.instruction(&Instruction::GlobalGet(self.fuel_global));
        f.instruction(&Instruction::I64Eqz);
        f.instruction(&Instruction::If(BlockType::Empty));
        f.instruction(&Instruction::Call(self.trap_index(FUEL_TRAP)));
        f.instruction(&Instruction::End);
        f.instruction(&Instruction::GlobalGet(self.fuel_global));
        f.instruction(&Instruction::I64Const(1));
        f.instruction(&Instruction::I64Sub);
        f.instruction(&Instruction::GlobalSet(self.fuel_global));
    }

    /// Pushes 1 when `[ptr, ptr + len)` (locals `ptr` and `len`, i32) is
    /// not inside the exported memory, else 0.
    fn out_of_bounds(&self, f: &mut Function, ptr: u32, len: u32) {
        let memory = self.shape.memory_export.expect("checked before adding");
        let memory64 = self.shape.memories.get(memory as usize).is_some_and(|m| m.memory64);
        // The engine reads the address as a signed offset.
        f.instruction(&Instruction::LocalGet(ptr));
        f.instruction(&Instruction::I32Const(0));
        f.instruction(&Instruction::I32LtS);
        f.instruction(&Instruction::LocalGet(len));
        f.instruction(&Instruction::I32Const(0));
        f.instruction(&Instruction::I32LtS);
        f.instruction(&Instruction::I32Or);
        // ptr + len > pages * 64 KiB, in 64 bits (no wrap-around).
        f.instruction(&Instruction::LocalGet(ptr));
        f.instruction(&Instruction::I64ExtendI32U);
        f.instruction(&Instruction::LocalGet(len));
        f.instruction(&Instruction::I64ExtendI32U);
        f.instruction(&Instruction::I64Add);
        f.instruction(&Instruction::MemorySize(memory));
        if !memory64 {
            f.instruction(&Instruction::I64ExtendI32U);
        }
        f.instruction(&Instruction::I64Const(16));
        f.instruction(&Instruction::I64Shl);
        f.instruction(&Instruction::I64GtU);
        f.instruction(&Instruction::I32Or);
    }

    fn added_body(&self, added: &Added, ty: u32) -> Function {
        match added {
            Added::Trap(_) => {
                let mut f = Function::new([]);
                f.instruction(&Instruction::Unreachable);
                f.instruction(&Instruction::End);
                f
            }
            Added::OutputCheck => {
                let mut f = Function::new([]);
                self.out_of_bounds(&mut f, 0, 1);
                f.instruction(&Instruction::If(BlockType::Empty));
                f.instruction(&Instruction::Call(self.trap_index(OUTPUT_TRAP)));
                f.instruction(&Instruction::End);
                f.instruction(&Instruction::LocalGet(0));
                f.instruction(&Instruction::LocalGet(1));
                f.instruction(&Instruction::Call(self.shape.output_import.expect("checked before adding")));
                f.instruction(&Instruction::End);
                f
            }
            Added::Wrapper { wrapped, checks_alloc } => {
                let params = self.shape.types[ty as usize].as_ref().map_or(0, |f| f.params().len() as u32);
                let mut f = Function::new(if *checks_alloc { vec![(1, ValType::I32)] } else { vec![] });
                f.instruction(&Instruction::I64Const(self.fuel));
                f.instruction(&Instruction::GlobalSet(self.fuel_global));
                for param in 0..params {
                    f.instruction(&Instruction::LocalGet(param));
                }
                f.instruction(&Instruction::Call(*wrapped));
                if *checks_alloc {
                    // Local 0: the length asked for; local 1: the address.
                    f.instruction(&Instruction::LocalSet(1));
                    self.out_of_bounds(&mut f, 1, 0);
                    f.instruction(&Instruction::If(BlockType::Empty));
                    f.instruction(&Instruction::Call(self.trap_index(ALLOC_TRAP)));
                    f.instruction(&Instruction::End);
                    f.instruction(&Instruction::LocalGet(1));
                }
                f.instruction(&Instruction::End);
                f
            }
        }
    }

    fn write_globals(&self, globals: &mut wasm_encoder::GlobalSection) {
        globals.global(GlobalType { val_type: ValType::I64, mutable: true, shared: false }, &ConstExpr::i64_const(self.fuel));
    }
}

type Reencoded<T> = std::result::Result<T, ReencodeError<std::convert::Infallible>>;

impl Reencode for Rewriter {
    type Error = std::convert::Infallible;

    /// Calls to `copy_records` go through the check.
    fn function_index(&mut self, func: u32) -> Reencoded<u32> {
        match self.output_redirect {
            Some((import, check)) if func == import => Ok(check),
            _ => Ok(func),
        }
    }

    fn parse_type_section(&mut self, types: &mut wasm_encoder::TypeSection, section: wasmparser::TypeSectionReader<'_>) -> Reencoded<()> {
        utils::parse_type_section(self, types, section)?;
        types.ty().function([], []);
        Ok(())
    }

    fn parse_function_section(
        &mut self,
        functions: &mut wasm_encoder::FunctionSection,
        section: wasmparser::FunctionSectionReader<'_>,
    ) -> Reencoded<()> {
        utils::parse_function_section(self, functions, section)?;
        for (ty, _) in &self.added {
            functions.function(*ty);
        }
        Ok(())
    }

    fn parse_global_section(&mut self, globals: &mut wasm_encoder::GlobalSection, section: wasmparser::GlobalSectionReader<'_>) -> Reencoded<()> {
        utils::parse_global_section(self, globals, section)?;
        self.write_globals(globals);
        Ok(())
    }

    /// A module without globals gets a global section for the fuel, in its
    /// place before the exports.
    fn intersperse_section_hook(
        &mut self,
        module: &mut wasm_encoder::Module,
        _after: Option<wasm_encoder::SectionId>,
        before: Option<wasm_encoder::SectionId>,
    ) -> Reencoded<()> {
        if before == Some(wasm_encoder::SectionId::Export) && !self.shape.has_global_section {
            let mut globals = wasm_encoder::GlobalSection::new();
            self.write_globals(&mut globals);
            module.section(&globals);
        }
        Ok(())
    }

    /// Exported functions are exported through their fuel-refilling wrapper.
    fn parse_export(&mut self, exports: &mut wasm_encoder::ExportSection, export: wasmparser::Export<'_>) -> Reencoded<()> {
        match export.kind {
            ExternalKind::Func => {
                let index = self.wrapper_index(export.index).map_or_else(|| self.function_index(export.index), Ok)?;
                exports.export(export.name, wasm_encoder::ExportKind::Func, index);
                Ok(())
            }
            _ => utils::parse_export(self, exports, export),
        }
    }

    fn parse_function_body(&mut self, code: &mut wasm_encoder::CodeSection, func: wasmparser::FunctionBody<'_>) -> Reencoded<()> {
        let mut f = self.new_function_with_parsed_locals(&func)?;
        self.charge(&mut f);
        let mut reader = func.get_operators_reader()?;
        while !reader.eof() {
            let operator = reader.read()?;
            let is_loop = matches!(operator, wasmparser::Operator::Loop { .. });
            f.instruction(&self.instruction(operator)?);
            if is_loop {
                self.charge(&mut f);
            }
        }
        code.function(&f);
        Ok(())
    }

    fn parse_code_section(&mut self, code: &mut wasm_encoder::CodeSection, section: wasmparser::CodeSectionReader<'_>) -> Reencoded<()> {
        utils::parse_code_section(self, code, section)?;
        for (ty, added) in &self.added {
            code.function(&self.added_body(added, *ty));
        }
        Ok(())
    }

    /// Custom sections pass through as they are (no index moved), but for
    /// the name section, which gains the traps' names; a name section that
    /// does not parse is dropped (names are only for backtraces).
    fn parse_custom_section(&mut self, module: &mut wasm_encoder::Module, section: wasmparser::CustomSectionReader<'_>) -> Reencoded<()> {
        match section.as_known() {
            wasmparser::KnownCustom::Name(reader) => {
                if self.names_written {
                    return Ok(());
                }
                if let Ok(names) = self.name_section(reader) {
                    module.section(&names);
                    self.names_written = true;
                }
                Ok(())
            }
            _ => {
                module.section(&wasm_encoder::CustomSection { name: section.name().into(), data: section.data().into() });
                Ok(())
            }
        }
    }
}

impl Rewriter {
    /// The module's name section with the traps' names added to its
    /// function names (copied as they are: indices do not move).
    fn name_section(&self, reader: wasmparser::NameSectionReader<'_>) -> std::result::Result<NameSection, wasmparser::BinaryReaderError> {
        let mut names = NameSection::new();
        let mut functions_named = false;
        for subsection in reader {
            match subsection? {
                Name::Module { name, .. } => names.module(name),
                Name::Function(map) => {
                    let mut functions = NameMap::new();
                    for naming in map {
                        let naming = naming?;
                        functions.append(naming.index, naming.name);
                    }
                    names.functions(&self.guard_names(functions));
                    functions_named = true;
                }
                Name::Unknown { ty, data, .. } => names.raw(ty, data),
                // Local, label, type, table, memory, global, element, data,
                // field and tag names: not needed for backtraces.
                _ => {}
            }
        }
        if !functions_named {
            names.functions(&self.guard_names(NameMap::new()));
        }
        Ok(names)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasmtime::{Caller, Engine, Instance, Linker, Store, TypedFunc, WasmBacktrace};

    /// `text` guarded with `fuel`, instantiated; `copy_records` records
    /// what it was given.
    fn instantiate(text: &str, fuel: u64) -> (Store<Vec<(i32, i32)>>, Instance) {
        let original = wat::parse_str(text).unwrap();
        let guarded = guard(&original, fuel).unwrap();
        wasmparser::validate(&guarded).expect("the guarded module validates");
        let engine = Engine::default();
        let module = wasmtime::Module::new(&engine, &guarded).unwrap();
        let mut store = Store::new(&engine, Vec::new());
        let mut linker = Linker::new(&engine);
        linker.func_wrap("env", "copy_records", |mut caller: Caller<'_, Vec<(i32, i32)>>, ptr: i32, len: i32| caller.data_mut().push((ptr, len))).unwrap();
        let instance = linker.instantiate(&mut store, &module).unwrap();
        (store, instance)
    }

    fn func<P: wasmtime::WasmParams, R: wasmtime::WasmResults>(store: &mut Store<Vec<(i32, i32)>>, instance: &Instance, name: &str) -> TypedFunc<P, R> {
        instance.get_typed_func(&mut *store, name).unwrap()
    }

    /// The function the trap of `err` happened in.
    fn trapped_in(err: &anyhow::Error) -> String {
        err.downcast_ref::<WasmBacktrace>().and_then(|b| b.frames().first()?.func_name().map(str::to_string)).unwrap_or_else(|| format!("no frame: {err:?}"))
    }

    const COUNTER: &str = r#"(module
        (memory (export "memory") 1)
        (func $count (export "count") (param $n i32) (result i32) (local $i i32)
          (block $done (loop $next
            (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $next)))
          (local.get $i)))"#;

    #[test]
    fn a_loop_runs_until_its_fuel_is_spent_and_every_call_gets_the_budget() {
        // One unit for the call, one per iteration (n + 1 loop entries).
        let (mut store, instance) = instantiate(COUNTER, 102);
        let count = func::<i32, i32>(&mut store, &instance, "count");
        for _ in 0..3 {
            assert_eq!(count.call(&mut store, 100).unwrap(), 100, "the result is the unguarded one");
        }
        let err = count.call(&mut store, 101).unwrap_err();
        assert_eq!(trapped_in(&err), FUEL_TRAP);
        // The next call is refilled.
        assert_eq!(count.call(&mut store, 7).unwrap(), 7);
    }

    #[test]
    fn an_endless_loop_traps_in_the_fuel_trap() {
        let (mut store, instance) = instantiate(r#"(module (memory (export "memory") 1) (func (export "spin") (loop (br 0))))"#, 1_000_000);
        let err = func::<(), ()>(&mut store, &instance, "spin").call(&mut store, ()).unwrap_err();
        assert_eq!(trapped_in(&err), FUEL_TRAP);
    }

    #[test]
    fn alloc_must_return_room_for_the_input_inside_memory() {
        let text = r#"(module (memory (export "memory") 1)
            (global $answer (mut i32) (i32.const 0))
            (func (export "set") (param i32) (global.set $answer (local.get 0)))
            (func (export "alloc") (param i32) (result i32) (global.get $answer)))"#;
        let (mut store, instance) = instantiate(text, 1_000);
        let set = func::<i32, ()>(&mut store, &instance, "set");
        let alloc = func::<i32, i32>(&mut store, &instance, "alloc");
        set.call(&mut store, 65536 - 16).unwrap();
        assert_eq!(alloc.call(&mut store, 16).unwrap(), 65536 - 16, "an exact fit passes");
        assert_eq!(trapped_in(&alloc.call(&mut store, 17).unwrap_err()), ALLOC_TRAP, "one byte past the end");
        for wild in [-16, 0x4000_0000, i32::MIN] {
            set.call(&mut store, wild).unwrap();
            assert_eq!(trapped_in(&alloc.call(&mut store, 1).unwrap_err()), ALLOC_TRAP, "address {wild}");
        }
    }

    #[test]
    fn output_must_lie_inside_memory() {
        let text = r#"(module
            (import "env" "copy_records" (func $copy (param i32 i32)))
            (memory (export "memory") 1)
            (func (export "filter") (param i32 i32 i32) (result i32)
              (call $copy (local.get 0) (local.get 1)) (i32.const 0)))"#;
        let (mut store, instance) = instantiate(text, 1_000);
        let filter = func::<(i32, i32, i32), i32>(&mut store, &instance, "filter");
        filter.call(&mut store, (100, 65436, 25)).unwrap();
        assert_eq!(store.data(), &[(100, 65436)], "an output that fits reaches the host");
        for (ptr, len) in [(100, 65437), (0, i32::MAX), (-1, 1), (0, -1)] {
            assert_eq!(trapped_in(&filter.call(&mut store, (ptr, len, 25)).unwrap_err()), OUTPUT_TRAP, "({ptr}, {len})");
        }
        assert_eq!(store.data().len(), 1, "no bad output reached the host");
    }

    #[test]
    fn the_modules_own_names_and_traps_stay_its_own() {
        let text = r#"(module (memory (export "memory") 1)
            (func $inner unreachable)
            (func (export "run") (call $inner)))"#;
        let (mut store, instance) = instantiate(text, 1_000);
        let err = func::<(), ()>(&mut store, &instance, "run").call(&mut store, ()).unwrap_err();
        assert_eq!(trapped_in(&err), "inner");
    }

    #[test]
    fn modules_the_engine_would_refuse_pass_unchanged_and_garbage_is_refused() {
        let memory_only = wat::parse_str(r#"(module (memory (export "memory") 1))"#).unwrap();
        assert_eq!(guard(&memory_only, 10).unwrap(), memory_only);
        assert!(guard(b"\0asm\x01\0\0\0\x01\xff", 10).unwrap_err().contains("not valid WebAssembly"));
        assert!(guard(b"not wasm", 10).is_err());
    }
}
