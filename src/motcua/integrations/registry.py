"""A plugin registry per integration kind (notification channels, and later identity providers,
population look-up, payment gateways, signing backends). A provider registers itself under an
identifier; the core asks the registry and never imports a provider directly."""

from __future__ import annotations

from collections.abc import Callable, Iterator


class Registry[T]:
    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._plugins: dict[str, T] = {}

    def register(self, identifier: str) -> Callable[[type[T]], type[T]]:
        def decorator(cls: type[T]) -> type[T]:
            if identifier in self._plugins:
                raise ValueError(f"{self.kind} plugin {identifier!r} is registered twice")
            self._plugins[identifier] = cls()
            return cls

        return decorator

    def __getitem__(self, identifier: str) -> T:
        try:
            return self._plugins[identifier]
        except KeyError as exc:
            raise KeyError(f"no {self.kind} plugin {identifier!r}; known: {sorted(self._plugins)}") from exc

    def __contains__(self, identifier: object) -> bool:
        return identifier in self._plugins

    def __iter__(self) -> Iterator[tuple[str, T]]:
        return iter(sorted(self._plugins.items()))
