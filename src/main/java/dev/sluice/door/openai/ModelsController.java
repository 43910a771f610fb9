package dev.sluice.door.openai;

import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The models a key may send to: those the upstreams list under {@code sluice.upstreams.<name>.models}
 * (every project's keys may use every upstream; a model the default upstream serves but no
 * upstream lists is not known here, and is not shown).
 */
@RestController
@RequestMapping("/v1/models")
class ModelsController {

    private final ModelRoutes routes;

    ModelsController(ModelRoutes routes) {
        this.routes = routes;
    }

    record Model(String id, String object, long created, String ownedBy) {}

    record ModelList(String object, List<Model> data) {}

    @GetMapping
    ModelList list() {
        return new ModelList("list", routes.models().stream().map(this::model).toList());
    }

    @GetMapping("/{model}")
    Model retrieve(@PathVariable String model) {
        if (!routes.models().contains(model)) {
            throw new DoorNotFoundException("model", model);
        }
        return model(model);
    }

    private Model model(String id) {
        return new Model(
                id,
                "model",
                0,
                "sluice:" + routes.route(id, ModelRoutes.PATHS.getFirst()).upstream());
    }
}
